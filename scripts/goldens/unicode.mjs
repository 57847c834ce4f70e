// unicode.mjs probes Hugging Face tokenizers' BertNormalizer and
// BertPreTokenizer on every Unicode scalar value and writes what it saw:
//
//   - ../../tokenize/unicode_tables.go: Go range tables of the character
//     classes the Rust library uses (its own, older Unicode tables for
//     "control", "punctuation" and "non-spacing mark"; std's White_Space;
//     its hard-coded CJK blocks), so the Go tokenizer classifies exactly as
//     the reference does;
//   - ../../testdata/tokenize/unicode_hf.txt.gz: per code point, the
//     uncased normalizer's output (NFD, mark stripping, lowercasing), which
//     the Go test compares with its own normalizer for every code point.
//
// Usage (from this directory, after `npm install --ignore-scripts`):
//   node unicode.mjs ../../../shared/models
import { createRequire } from 'module';
import { writeFileSync } from 'fs';
import { gzipSync } from 'zlib';
import path from 'path';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('@anush008/tokenizers');

const models = process.argv[2] || '../../../shared/models';
const uncased = Tokenizer.fromFile(path.join(models, 'obscura-minilm-conll', 'tokenizer.json'));
const cased = Tokenizer.fromFile(path.join(models, 'bert-base-NER-tokenizer', 'tokenizer.json'));
const nu = uncased.getNormalizer();
const nc = cased.getNormalizer();
const pre = uncased.getPreTokenizer();

const MAX = 0x10ffff;
const sets = { control: [], space: [], han: [], punct: [], mark: [], ws: [], reorder: [] };
const candidates = [];
const dump = [];
let run = null;

function add(set, cp) {
  const r = set[set.length - 1];
  if (r && r[1] === cp - 1) r[1] = cp;
  else set.push([cp, cp]);
}

for (let cp = 0; cp <= MAX; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const ch = String.fromCodePoint(cp);
  // Cased normalizer: clean_text and handle_chinese_chars only.
  const outC = nc.normalizeString('a' + ch + 'b');
  let cls;
  if (outC === 'ab') cls = 'control';
  else if (outC === 'a b') cls = 'space';
  else if (outC === 'a ' + ch + ' b') cls = 'han';
  else if (outC === 'a' + ch + 'b') cls = 'keep';
  else throw new Error('unexpected cased normalization of U+' + cp.toString(16));
  if (cls !== 'keep') add(sets[cls], cp);
  // Pre-tokenizer on the raw string: punctuation is isolated.
  const words = pre.preTokenizeString('a' + ch + 'b');
  if (words.length === 3 && words[1][0] === ch) add(sets.punct, cp);
  else if (words.length === 2) add(sets.ws, cp);
  else if (words.length !== 1) throw new Error('unexpected pre-tokenization of U+' + cp.toString(16));
  if (cls === 'space' && words.length !== 2) throw new Error('normalizer space U+' + cp.toString(16) + ' is not pre-tokenizer whitespace');
  // Uncased normalizer: adds NFD, removal of non-spacing marks, lowercasing.
  const outU = [...nu.normalizeString('a' + ch + 'b')];
  const mid = outU.slice(1, outU.length - 1).map((c) => c.codePointAt(0));
  if (cls === 'keep' && mid.length === 0) add(sets.mark, cp);
  // A kept character that current Unicode (JavaScript's NFD) reorders before
  // U+0345 (combining class 240) has a non-zero combining class; whether
  // the Rust library's older normalization tables know it is probed below.
  if (cls === 'keep' && mid.length === 1 && ('\u0345' + ch).normalize('NFD') === ch + '\u0345') candidates.push(cp);
  // Run-length dump of the uncased output, relative to the input.
  let form;
  if (mid.length === 1) form = 'd' + (mid[0] - cp);
  else if (cls === 'han' && mid.length === 3) form = 'h' + (mid[1] - cp);
  else form = 'x' + mid.map((m) => m.toString(16)).join('.');
  if (run && run.form === form && run.end === cp - 1) run.end = cp;
  else {
    if (run) dump.push(run);
    run = { start: cp, end: cp, form };
  }
}
dump.push(run);

// NFD reorders a run of combining characters by combining class, and the
// library then gives the output characters the original characters'
// alignments in their old order, so a kept combining character's offsets
// show whether the library reordered it: in "a" + U+0345 + c, a reordered c
// takes U+0345's place and the word ends before c.
for (const cp of candidates) {
  const ch = String.fromCodePoint(cp);
  const e = await uncased.encode('a\u0345' + ch);
  const o = e.getOffsets();
  if (o.length !== 3) throw new Error('unexpected probe tokens for U+' + cp.toString(16));
  if (o[1][1] === 2) add(sets.reorder, cp);
  else if (o[1][1] !== 3) throw new Error('unexpected probe offsets for U+' + cp.toString(16));
}

const lines = dump.map((r) => `${r.start.toString(16)} ${r.end.toString(16)} ${r.form}`);
writeFileSync('../../testdata/tokenize/unicode_hf.txt.gz',
  gzipSync('# per code point range: start end (hex), uncased BertNormalizer output of the code point:\n' +
    '# d<n> one code point, input+n; h<n> CJK: space, input+n, space; x<hex.hex...> anything else (x alone: removed)\n' +
    lines.join('\n') + '\n', { level: 9 }));

function table(name, doc, ranges) {
  const r16 = ranges.filter((r) => r[1] <= 0xffff);
  const r32 = ranges.filter((r) => r[0] > 0xffff);
  const split = ranges.find((r) => r[0] <= 0xffff && r[1] > 0xffff);
  if (split) { r16.push([split[0], 0xffff]); r32.unshift([0x10000, split[1]]); }
  let s = `// ${name} ${doc}\nvar ${name} = &unicode.RangeTable{\n`;
  if (r16.length) {
    s += '\tR16: []unicode.Range16{\n';
    for (const [a, b] of r16) s += `\t\t{0x${a.toString(16)}, 0x${b.toString(16)}, 1},\n`;
    s += '\t},\n';
  }
  if (r32.length) {
    s += '\tR32: []unicode.Range32{\n';
    for (const [a, b] of r32) s += `\t\t{0x${a.toString(16)}, 0x${b.toString(16)}, 1},\n`;
    s += '\t},\n';
  }
  const latin = r16.filter((r) => r[0] <= 0xff).length;
  s += `\tLatinOffset: ${latin},\n}\n\n`;
  return s;
}

let go = '// Code generated by scripts/goldens/unicode.mjs from Hugging Face tokenizers; DO NOT EDIT.\n\n' +
  'package tokenize\n\nimport "unicode"\n\n';
go += table('controlTable', 'holds the characters clean_text removes (the Rust library\'s "other" class less \\t, \\n, \\r; NUL and U+FFFD).', sets.control);
go += table('spaceTable', 'holds the characters the pre-tokenizer splits on (Rust char::is_whitespace); clean_text maps those not in controlTable to a space.', sets.ws);
go += table('hanTable', 'holds the CJK ideographs handle_chinese_chars surrounds with spaces.', sets.han);
go += table('punctTable', 'holds the characters BertPreTokenizer isolates (ASCII punctuation and the library\'s Unicode punctuation).', sets.punct);
go += table('markTable', 'holds the non-spacing marks strip_accents removes after NFD.', sets.mark);
go += table('reorderTable', 'holds the characters strip_accents keeps that the library\'s NFD (Unicode 9 tables) reorders as combining characters.', sets.reorder);
writeFileSync('../../tokenize/unicode_tables.go', go.trimEnd() + '\n');
console.log('candidates:', candidates.length, 'ranges:', Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length])), 'dump runs:', dump.length);
