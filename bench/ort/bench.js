// ONNX Runtime side of `obscura bench --vs-ort`: one peer, one session.
//
// Usage: node bench.js MODEL.onnx THREADS [nospin]
//
// A paired benchmark: obscura bench (package bench) writes one JSON line per
// inference to stdin, {"ids": [101, ...]}, and waits for this process's
// answer, {"ms": 12.3}, before the next line, so that our runtime and every
// ONNX Runtime peer take turns on identical inputs. Each ONNX Runtime
// configuration runs in a process of its own, holding one session. Each
// line is run once, batch 1, attention mask all ones and token type ids all
// zeros (when the graph has those inputs); only session.run is timed, with
// process.hrtime.bigint(). Warm-up and settling lines are ordinary lines
// whose answers obscura bench discards.
//
// The session uses ONNX Runtime's default options as its users have them
// (CPU provider, all graph optimisations, sequential execution, idle
// intra-op threads spinning), with THREADS intra-op threads and one
// inter-op thread. "nospin" blocks the idle intra-op threads instead
// (session.intra_op.allow_spinning = 0): the configuration of the earlier
// reports, kept only to reproduce them; it makes ONNX Runtime slower,
// since every parallel section then wakes its threads from sleep.
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
