// ONNX Runtime side of `obscura bench --vs-ort`.
//
// Usage: node bench.js MODEL.onnx THREADS [nospin]
//
// A paired benchmark: obscura bench writes one JSON line per inference to
// stdin, {"ids": [101, ...]}, runs the same ids on its own runtime, and
// waits for this process's answer, {"ms": 12.3}, before the next line. So
// the two runtimes take turns on identical inputs and share whatever load
// the machine has at that moment. Each line is run once, batch 1, attention
// mask all ones and token type ids all zeros (when the graph has those
// inputs); only session.run is timed, with process.hrtime.bigint(). Warm-up
// lines are ordinary lines whose answers obscura bench discards.
//
// The session uses the CPU provider, all graph optimisations, sequential
// execution, THREADS intra-op threads and one inter-op thread. ONNX
// Runtime's intra-op threads spin while waiting for work by default; with
// "nospin" they block instead (session.intra_op.allow_spinning = 0), so
// that an idle session leaves the cores to whatever runs in turn with it.
'use strict';

const readline = require('readline');
const ort = require('onnxruntime-node');

async function main() {
  const [model, threadsArg, spinArg] = process.argv.slice(2);
  if (!model || (spinArg && spinArg !== 'nospin')) {
    console.error('usage: node bench.js MODEL.onnx THREADS [nospin]');
    process.exit(2);
  }
  const threads = Math.max(0, parseInt(threadsArg || '0', 10) || 0);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    extra: spinArg === 'nospin' ? { session: { intra_op: { allow_spinning: '0' } } } : {},
  });
  const names = new Set(session.inputNames);
  const feeds = (ids) => {
    const n = ids.length;
    const f = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    };
    if (names.has('attention_mask')) {
      f.attention_mask = new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    }
    if (names.has('token_type_ids')) {
      f.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
    }
    return f;
  };
  process.stdout.write(JSON.stringify({ ready: true, version: ort.env.versions.common }) + '\n');
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const f = feeds(JSON.parse(line).ids);
    const t0 = process.hrtime.bigint();
    await session.run(f);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(JSON.stringify({ ms }) + '\n');
  }
}

main().catch((e) => {
  console.error('bench.js:', e.message);
  process.exit(1);
});
