// ONNX Runtime side of `obscura bench --vs-ort`.
//
// Usage: node bench.js INPUT.json
//
// INPUT.json, written by obscura bench:
//   {"model": "path/to/model.onnx", "threads": 2, "warmup": 10,
//    "inputs": [{"len": 128, "ids": [[101, ...], ...]}, ...]}
// Every id sequence is run once, batch 1, attention mask all ones and token
// type ids all zeros (when the graph has those inputs), after `warmup`
// untimed runs of the first sequence of each length. Only session.run is
// timed, so the figures compare with obscura's inference stage alone.
//
// Output: one JSON line per length, {"len": N, "ms": [t1, t2, ...]}, in
// milliseconds, measured with process.hrtime.bigint().
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node bench.js INPUT.json');
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(path, 'utf8'));
  const threads = spec.threads > 0 ? spec.threads : 0;
  const session = await ort.InferenceSession.create(spec.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const names = new Set(session.inputNames);
  const feeds = (ids) => {
    const n = ids.length;
    const f = {};
    f.input_ids = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]);
    if (names.has('attention_mask')) {
      f.attention_mask = new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    }
    if (names.has('token_type_ids')) {
      f.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
    }
    return f;
  };
  for (const input of spec.inputs) {
    const all = input.ids.map(feeds);
    for (let i = 0; i < (spec.warmup || 0); i++) {
      await session.run(all[0]);
    }
    const ms = [];
    for (const f of all) {
      const t0 = process.hrtime.bigint();
      await session.run(f);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    process.stdout.write(JSON.stringify({ len: input.len, ms }) + '\n');
  }
}

main().catch((e) => {
  console.error('bench.js:', e.message);
  process.exit(1);
});
