// time.mjs MODEL INPUT_NAME DIMS ITERS THREADS
//
// Times MODEL in ONNX Runtime (CPU) on one float32 input of shape DIMS
// (comma-separated) filled with pseudo-random values: a warm-up run, then
// ITERS runs with THREADS intra-op threads. Prints {"msPerRun": …}.
import ort from 'onnxruntime-node';

const [modelPath, name, dimsArg, itersArg, threadsArg] = process.argv.slice(2);
const dims = dimsArg.split(',').map(Number);
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: Number(threadsArg), graphOptimizationLevel: 'all',
});
const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
let s = 1;
for (let i = 0; i < data.length; i++) {
  s = (s * 1103515245 + 12345) % 2147483648;
  data[i] = s / 1073741824 - 1;
}
const feeds = { [name]: new ort.Tensor('float32', data, dims) };
await session.run(feeds);
const iters = Number(itersArg);
const t0 = process.hrtime.bigint();
for (let i = 0; i < iters; i++) await session.run(feeds);
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / iters;
console.log(JSON.stringify({ msPerRun: ms }));
