// Replays the inputs of a golden file (cases of input_ids/attention_mask, as
// in ../shared/testmodels/*/golden.json) through ONNX Runtime (CPU, fp32
// host, 2 threads) on another model file, and writes ORT's logits as a new
// golden file of the same form. Used for testdata/bert/bert14_dynq.json:
//
//   node replay.mjs ../../testdata/bert/bert14_dynq.onnx \
//       ../../../shared/testmodels/bert_14/golden.json ../../testdata/bert/bert14_dynq.json
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ort = require("onnxruntime-node");

const [model, goldenIn, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node replay.mjs MODEL.onnx GOLDEN_IN.json OUT.json");
  process.exit(2);
}
const f32 = (x) => Number(Math.fround(x).toPrecision(9));
const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"], intraOpNumThreads: 2 });
const src = JSON.parse(readFileSync(goldenIn, "utf8"));
const cases = [];
for (const c of src.cases) {
  const n = c.input_ids.length;
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(c.input_ids.map(BigInt)), [1, n]),
    attention_mask: new ort.Tensor("int64", BigInt64Array.from(c.attention_mask.map(BigInt)), [1, n]),
  };
  if (session.inputNames.includes("token_type_ids")) {
    feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(n), [1, n]);
  }
  const res = await session.run(feeds);
  const t = res[session.outputNames[0]];
  const labels = t.dims[2];
  const logits = [];
  for (let p = 0; p < n; p++) logits.push(Array.from(t.data.slice(p * labels, (p + 1) * labels), f32));
  cases.push({ input_ids: c.input_ids, attention_mask: c.attention_mask, logits });
}
const ortVersion = require("onnxruntime-node/package.json").version;
writeFileSync(out, JSON.stringify({ source: `onnxruntime-node ${ortVersion}, CPU; scripts/ort/replay.mjs`, atol_hint: 1e-4, cases }) + "\n");
console.log(`wrote ${cases.length} cases to ${out}`);
