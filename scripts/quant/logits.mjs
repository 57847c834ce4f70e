// logits.mjs MODEL IDS_JSONL OUT_JSONL
//
// Runs MODEL in ONNX Runtime (CPU, one intra-op thread, all graph
// optimisations) on each line of IDS_JSONL, {"ids": [101, ...]}, batch 1,
// attention mask all ones and token type ids all zeros (when the graph has
// those inputs), and writes one line per input to OUT_JSONL:
// {"logits": [...]}, the first output flattened row-major [SeqLen][labels].
// The Go test TestCoNLLInt8LogitsVsORT in package quant writes the ids
// (CoNLL-2003 sentences tokenized by package tokenize) and reads the logits.
import fs from 'node:fs';
import readline from 'node:readline';
import ort from 'onnxruntime-node';

const [modelPath, idsPath, outPath] = process.argv.slice(2);
if (!modelPath || !idsPath || !outPath) {
  console.error('usage: node logits.mjs MODEL IDS_JSONL OUT_JSONL');
  process.exit(2);
}
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'], graphOptimizationLevel: process.env.ORT_OPT_LEVEL || 'all', intraOpNumThreads: 1,
});
const names = new Set(session.inputNames);
const out = fs.createWriteStream(outPath);
const rl = readline.createInterface({ input: fs.createReadStream(idsPath), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const ids = JSON.parse(line).ids;
  const n = ids.length;
  const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]) };
  if (names.has('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
  if (names.has('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
  const y = (await session.run(feeds))[session.outputNames[0]];
  if (!out.write(JSON.stringify({ logits: Array.from(y.data) }) + '\n')) {
    await new Promise((r) => out.once('drain', r));
  }
}
await new Promise((r) => out.end(r));
console.log(JSON.stringify({ version: ort.env.versions.common }));
