// run.mjs MODEL INPUTS_JSON
//
// Runs MODEL in ONNX Runtime (CPU, one thread) on float32 inputs given as
// {"name": {"dims": [...], "data": [...]}, ...} and prints the first output
// as {"dims": [...], "data": [...]}.
import fs from 'node:fs';
import ort from 'onnxruntime-node';

const [modelPath, inputsPath] = process.argv.slice(2);
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
const inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));
const feeds = {};
for (const [name, t] of Object.entries(inputs)) {
  feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
}
const out = (await session.run(feeds))[session.outputNames[0]];
console.log(JSON.stringify({ dims: out.dims, data: Array.from(out.data) }));
