// Produces testdata/bert/minilm_ort.json: ONNX Runtime (CPU, fp32) logits of
// the baseline model on the sentences in sentences.txt, tokenized with Hugging
// Face tokenizers from the model's own tokenizer.json. Single-sentence cases,
// plus a few batches padded to their longest row (pad id 0, mask 0).
//
//   cd scripts/ort && npm install --ignore-scripts && node goldens.mjs [MODEL_DIR] [OUT]
//
// MODEL_DIR defaults to ../../../shared/models/obscura-minilm-conll.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ort = require("onnxruntime-node");
const { Tokenizer } = require("@anush008/tokenizers");

const here = dirname(fileURLToPath(import.meta.url));
const modelDir = process.argv[2] ?? join(here, "../../../shared/models/obscura-minilm-conll");
const outPath = process.argv[3] ?? join(here, "../../testdata/bert/minilm_ort.json");

// Logits are written with 9 significant digits: enough to round-trip float32.
const f32 = (x) => Number(Math.fround(x).toPrecision(9));

const sentences = readFileSync(join(here, "sentences.txt"), "utf8").split("\n").filter((s) => s.trim() !== "");
const tok = Tokenizer.fromFile(join(modelDir, "tokenizer.json"));
const session = await ort.InferenceSession.create(join(modelDir, "onnx", "model.onnx"), {
  executionProviders: ["cpu"],
  intraOpNumThreads: 2,
  graphOptimizationLevel: "all",
});
const numInputs = session.inputNames.length;

async function run(rows) {
  // rows: [{ids, mask}] of equal length
  const b = rows.length, s = rows[0].ids.length;
  const flat = (key) => BigInt64Array.from(rows.flatMap((r) => r[key]).map((v) => BigInt(v)));
  const feeds = {
    input_ids: new ort.Tensor("int64", flat("ids"), [b, s]),
    attention_mask: new ort.Tensor("int64", flat("mask"), [b, s]),
  };
  if (session.inputNames.includes("token_type_ids")) {
    feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(b * s), [b, s]);
  }
  const out = await session.run(feeds);
  const t = out[session.outputNames[0]];
  const labels = t.dims[2];
  const res = [];
  for (let r = 0; r < b; r++) {
    const row = [];
    for (let p = 0; p < s; p++) {
      row.push(Array.from(t.data.slice((r * s + p) * labels, (r * s + p + 1) * labels), f32));
    }
    res.push(row);
  }
  return res;
}

const encoded = [];
for (const text of sentences) {
  const enc = await tok.encode(text);
  encoded.push({ ids: enc.getIds(), mask: enc.getAttentionMask() });
}

const cases = [];
for (const e of encoded) {
  const [logits] = await run([e]);
  cases.push({ input_ids: e.ids, attention_mask: e.mask, logits });
}

// Batches of unequal sentences, right-padded as a batching server would.
const batches = [];
for (const idx of [[0, 30, 60, 83], [5, 41], [61, 62, 63], [100, 101, 102, 103, 104, 105]]) {
  const rows = idx.map((i) => encoded[i]);
  const s = Math.max(...rows.map((r) => r.ids.length));
  const padded = rows.map((r) => ({
    ids: [...r.ids, ...Array(s - r.ids.length).fill(0)],
    mask: [...r.mask, ...Array(s - r.mask.length).fill(0)],
  }));
  const logits = await run(padded);
  batches.push({ input_ids: padded.map((r) => r.ids), attention_mask: padded.map((r) => r.mask), logits });
}

const ortVersion = require("onnxruntime-node/package.json").version;
writeFileSync(outPath, JSON.stringify({
  source: `onnxruntime-node ${ortVersion}, CPU, fp32; tokenizer.json via @anush008/tokenizers; scripts/ort/goldens.mjs`,
  model: "obscura-minilm-conll",
  inputs: numInputs,
  cases,
  batches,
}) + "\n");
console.log(`wrote ${cases.length} cases and ${batches.length} batches to ${outPath}`);
