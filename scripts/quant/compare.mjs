// compare.mjs FP32_MODEL INT8_MODEL [GOLDEN_JSON | conll:CONLL_FILE:VOCAB_TXT:N]
//
// Loads both models in ONNX Runtime (CPU) and runs the same inputs through
// them: the cases of GOLDEN_JSON (input_ids, attention_mask, torch logits);
// or the first N sentences of a CoNLL file, WordPiece-tokenized (uncased)
// with VOCAB_TXT; else fixed pseudo-random token ids at 16, 128, 512 tokens.
// ORT_OPT_LEVEL (disabled, basic, extended, all; default all) sets ONNX
// Runtime's graph optimization level.
// Prints one JSON object: the max |int8 − fp32| logit difference, the share
// of tokens whose argmax agrees, and (with goldens) int8 vs torch.
import fs from 'node:fs';
import ort from 'onnxruntime-node';

const [fp32Path, int8Path, goldenPath] = process.argv.slice(2);
if (!fp32Path || !int8Path) {
  console.error('usage: node compare.mjs FP32_MODEL INT8_MODEL [GOLDEN_JSON]');
  process.exit(2);
}

function lcg(seed) {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return Number(s >> 33n);
  };
}

const opts = { intraOpNumThreads: 1, graphOptimizationLevel: process.env.ORT_OPT_LEVEL || 'all' };
const fp32 = await ort.InferenceSession.create(fp32Path, opts);
const int8 = await ort.InferenceSession.create(int8Path, opts);

// wordpiece tokenizes one lower-cased word greedily, longest match first.
function wordpiece(word, vocab) {
  const out = [];
  let start = 0;
  while (start < word.length) {
    let end = word.length, id = -1;
    while (end > start) {
      const piece = (start > 0 ? '##' : '') + word.slice(start, end);
      if (vocab.has(piece)) { id = vocab.get(piece); break; }
      end--;
    }
    if (id < 0) return [vocab.get('[UNK]')];
    out.push(id);
    start = end;
  }
  return out;
}

function conllCases(file, vocabFile, n) {
  const vocab = new Map(fs.readFileSync(vocabFile, 'utf8').split('\n').map((w, i) => [w, i]));
  const sentences = [];
  let words = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const w = line.split(' ')[0];
    if (!line.trim() || w === '-DOCSTART-') {
      if (words.length) sentences.push(words);
      words = [];
      if (sentences.length >= n) break;
      continue;
    }
    words.push(w);
  }
  return sentences.map((ws) => {
    let ids = [vocab.get('[CLS]')];
    for (const w of ws) ids.push(...wordpiece(w.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, ''), vocab));
    ids = ids.slice(0, 127);
    ids.push(vocab.get('[SEP]'));
    return { input_ids: ids, attention_mask: ids.map(() => 1) };
  });
}

let cases = [];
if (goldenPath && goldenPath.startsWith('conll:')) {
  const [, file, vocabFile, n] = goldenPath.split(':');
  cases = conllCases(file, vocabFile, Number(n));
} else if (goldenPath) {
  cases = JSON.parse(fs.readFileSync(goldenPath, 'utf8')).cases;
} else {
  const rnd = lcg(42);
  for (const len of [16, 128, 512]) {
    const ids = [101];
    for (let i = 1; i < len - 1; i++) ids.push(1000 + (rnd() % 20000));
    ids.push(102);
    cases.push({ input_ids: [ids], attention_mask: [ids.map(() => 1)] });
  }
}

function feeds(session, c) {
  const ids = c.input_ids.flat();
  const mask = c.attention_mask.flat();
  const dims = Array.isArray(c.input_ids[0]) ? [c.input_ids.length, c.input_ids[0].length] : [1, ids.length];
  const f = {};
  for (const name of session.inputNames) {
    let v;
    if (name === 'input_ids') v = ids;
    else if (name === 'attention_mask') v = mask;
    else if (name === 'token_type_ids') v = ids.map(() => 0);
    else throw new Error('unexpected input ' + name);
    f[name] = new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), dims);
  }
  return f;
}

let maxDiff = 0, maxDiffTorch = 0, tokens = 0, agree = 0;
for (const c of cases) {
  const a = (await fp32.run(feeds(fp32, c)))[fp32.outputNames[0]];
  const b = (await int8.run(feeds(int8, c)))[int8.outputNames[0]];
  const labels = a.dims[a.dims.length - 1];
  const mask = c.attention_mask.flat();
  const golden = c.logits ? c.logits.flat(Infinity) : null;
  for (let t = 0; t * labels < a.data.length; t++) {
    if (!mask[t]) continue; // padding positions are meaningless
    let am = 0, bm = 0;
    for (let j = 0; j < labels; j++) {
      const i = t * labels + j;
      maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
      if (golden) maxDiffTorch = Math.max(maxDiffTorch, Math.abs(golden[i] - b.data[i]));
      if (a.data[i] > a.data[t * labels + am]) am = j;
      if (b.data[i] > b.data[t * labels + bm]) bm = j;
    }
    tokens++;
    if (am === bm) agree++;
  }
}
console.log(JSON.stringify({ cases: cases.length, tokens, maxAbsDiff: maxDiff, argmaxAgree: agree / tokens, ...(cases[0].logits ? { maxAbsDiffVsTorch: maxDiffTorch } : {}) }));
