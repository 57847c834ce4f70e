// Times ONNX Runtime (CPU, fp32, 2 intra-op threads, batch 1) on the same
// token ids as the Go benchmarks in package bert (bert/bench_test.go:
// benchIDs), printing p50/p95/p99 in milliseconds per length.
//
//   node bench.mjs MODEL.onnx [ITERS] [LENGTHS]      e.g. node bench.mjs model.onnx 20 16,128,512
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ort = require("onnxruntime-node");

const [model, itersArg, lensArg] = process.argv.slice(2);
if (!model) {
  console.error("usage: node bench.mjs MODEL.onnx [ITERS] [LENGTHS]");
  process.exit(2);
}
const iters = Number(itersArg ?? 20);
const lens = (lensArg ?? "16,128,512").split(",").map(Number);

function benchIDs(n) {
  const ids = new BigInt64Array(n);
  for (let k = 0; k < n; k++) ids[k] = BigInt(1000 + ((k * 7919) % 20000));
  ids[0] = 101n;
  ids[n - 1] = 102n;
  return ids;
}

const session = await ort.InferenceSession.create(model, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
  // No spin-waiting between ops, so cpu-ms/op counts work, not polling
  // (ORT_SPIN=1 restores ORT's default).
  extra: { session: { intra_op: { allow_spinning: process.env.ORT_SPIN === "1" ? "1" : "0" } } },
});
const pct = (xs, p) => xs[Math.min(Math.floor(p * xs.length), xs.length - 1)];
for (const n of lens) {
  const feeds = {
    input_ids: new ort.Tensor("int64", benchIDs(n), [1, n]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
  };
  if (session.inputNames.includes("token_type_ids")) {
    feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(n), [1, n]);
  }
  await session.run(feeds); // warm-up
  const lat = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / iters;
  lat.sort((a, b) => a - b);
  console.log(`ort tokens=${n} cpu-ms/op ${cpuMs.toFixed(3)} p50-ms ${pct(lat, 0.5).toFixed(3)} p95-ms ${pct(lat, 0.95).toFixed(3)} p99-ms ${pct(lat, 0.99).toFixed(3)}`);
}
