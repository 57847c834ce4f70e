// gen.mjs writes testdata/tokenize/golden.jsonl.gz: a corpus of lines and,
// for each line and each of the two shared tokenizers (uncased
// obscura-minilm-conll, cased bert-base-NER-tokenizer), the ids, byte
// offsets, word ids and special-token mask that Hugging Face tokenizers
// (the Rust library, through @anush008/tokenizers) gives.
//
// Corpus sections: "pii" (prompts with personal data, from templates),
// "clinical" (clinical-style notes, from templates), "unicode" (hand-written
// edge cases), "random" (random strings over a pool of tricky characters),
// "long" (texts longer than one 512-token window) and "conll" (CoNLL-2003
// sentences). CoNLL text is not redistributable, so a conll case stores only
// its reference (file, sentence index), the sha256 of the text and the
// sha256 of the expected output (token ids would spell the text out); the Go
// test rebuilds the sentence from ../shared/data/conll2003.
//
// Usage (from this directory, after `npm install --ignore-scripts`):
//   node gen.mjs ../../../shared
import { createRequire } from 'module';
import { readFileSync, writeFileSync } from 'fs';
import { createHash } from 'crypto';
import { gzipSync } from 'zlib';
import path from 'path';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('@anush008/tokenizers');

const shared = process.argv[2] || '../../../shared';
const tokenizers = {
  uncased: Tokenizer.fromFile(path.join(shared, 'models', 'obscura-minilm-conll', 'tokenizer.json')),
  cased: Tokenizer.fromFile(path.join(shared, 'models', 'bert-base-NER-tokenizer', 'tokenizer.json')),
};

// Deterministic PRNG (mulberry32) so the corpus is reproducible.
let seed = 0x0b5c07a;
function rand() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

// ---------------------------------------------------------------- PII ----
const first = ['John', 'Maria', 'José', 'Zoë', 'Björn', 'Łukasz', 'Søren', 'François', 'Aoife', 'Siobhán',
  'Nguyễn', 'Dmitri', 'Анна', 'Yuki', '李', 'Mohammed', 'محمد', 'Priya', 'प्रिया', 'Chloé', 'Noël', 'İlkay',
  'Ørjan', 'Đorđe', 'Renée', 'Jürgen', 'Seán', 'Ana-María', "D'Angelo", 'Kwame', 'Olúwaseun', 'Ayşe', 'Håkon',
  'Émile', 'Ines', 'Çağla', 'Tomás', 'Zsófia', 'Václav', 'Ólafur', 'Yaw', 'Mei-Ling', 'Raúl', 'Θεόδωρος', 'שרה'];
const last = ['Smith', "O'Brien", 'García', 'Müller', 'Kowalski', 'Nguyen', 'Dubois', 'Иванов', '山田',
  'Van der Berg', 'McAllister', 'Núñez', 'Østergaard', 'Papadopoulos', 'Okonkwo', 'Schäfer', 'Fernández-López',
  'Al-Farsi', 'Kim', 'Yılmaz', 'Søndergaard', 'Čapek', 'Ó Súilleabháin', 'da Silva', 'Weiß', 'Þórsson', 'Kāne',
  'Sørensen', 'Lefèvre', 'Łęcki', 'Patel', 'Cohen', 'Haddad', 'Zhang', 'Rossi'];
const streets = ['Main St.', 'Rue de la Paix', 'Königsallee', 'Calle Mayor', 'Baker Street', 'Via Roma',
  'Ulica Długa', 'Av. Paulista', 'Straße des 17. Juni', 'Elm Ave', 'Rīgas iela', 'Østerbrogade'];
const cities = ['Springfield', 'Paris', 'Düsseldorf', 'Madrid', 'London', 'Roma', 'Gdańsk', 'São Paulo',
  'Berlin', 'Zürich', 'Reykjavík', 'Kraków', 'Malmö', 'Tōkyō', 'Москва', 'Montréal', 'Åhus', 'Québec'];
const domains = ['example.com', 'mail.example.org', 'corp.example.net', 'uni-example.edu', 'exämple.de'];
const email = (f, l) => `${f}.${l}`.toLowerCase().replace(/[^a-z.]/g, '') + (rand() < 0.3 ? digits(2) : '') + '@' + pick(domains);
const phone = () => pick([
  () => `+1 (555) ${digits(3)}-${digits(4)}`, () => `555.${digits(3)}.${digits(4)}`,
  () => `+44 20 ${digits(4)} ${digits(4)}`, () => `+49 (0)${digits(3)} ${digits(7)}`, () => `0${digits(1)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
  () => `＋８１−３−${digits(4)}−${digits(4)}`, () => `(555)${digits(3)}–${digits(4)}`])();
const ssn = () => `${digits(3)}-${digits(2)}-${digits(4)}`;
const card = () => pick([() => `4111 1111 1111 ${digits(4)}`, () => `5500-0000-0000-${digits(4)}`, () => `3782 822463 ${digits(5)}`])();
const iban = () => pick([() => `DE89 3704 0044 0532 0130 ${digits(2)}`, () => `GB29NWBK6016133192${digits(4)}`, () => `FR14 2004 1010 0505 0001 3M02 6${digits(2)}`])();
const date = () => pick([() => `${1 + Math.floor(rand() * 28)}/${1 + Math.floor(rand() * 12)}/19${digits(2)}`,
  () => `19${digits(2)}-0${1 + Math.floor(rand() * 9)}-1${digits(1)}`, () => `March ${1 + Math.floor(rand() * 28)}, 20${digits(2)}`,
  () => `${1 + Math.floor(rand() * 28)}. März 19${digits(2)}`, () => `le ${1 + Math.floor(rand() * 28)} février 20${digits(2)}`])();
const ip = () => pick([() => `192.168.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`, () => `2001:db8::${digits(2)}ff:fe${digits(2)}`])();
const url = () => pick(['https://www.example.com/users/', 'http://intranet.example.org/profile?id=', 'https://exämple.de/pfad/'] ) + digits(6);
const addr = () => `${digits(1 + Math.floor(rand() * 4))} ${pick(streets)}, ${pick(cities)} ${digits(5)}`;
const name = () => `${pick(first)} ${pick(last)}`;

const piiTemplates = [
  (n, f, l) => `Hi, I'm ${n} and my email is ${email(f, l)}. Call me at ${phone()}.`,
  (n) => `Please summarize this: ${n} (SSN ${ssn()}) lives at ${addr()}.`,
  (n, f, l) => `Draft a reply to ${f} — their card ${card()} was charged twice on ${date()}.`,
  (n) => `My name is ${n}, born ${date()}, passport no. X${digits(8)}; IBAN ${iban()}.`,
  (n, f, l) => `From: ${n} <${email(f, l)}>\nTo: support@example.com\nSubject: refund #${digits(6)}`,
  (n) => `Can you translate "Je m'appelle ${n} et j'habite à ${pick(cities)}" into English?`,
  (n) => `Server ${ip()} was accessed by ${n.toUpperCase()} at 03:${digits(2)} UTC; see ${url()}`,
  (n, f) => `${f}'s phone: ${phone()}\tfax: ${phone()}\r\nmobile: ${phone()}`,
  (n) => `User ${n} (${digits(2)} y/o) asked: “Is my account ${digits(10)} safe?” — escalate!!!`,
  (n, f, l) => `@${f.toLowerCase()}_${digits(2)} wrote on 20${digits(2)}-0${digits(1)}-1${digits(1)}: call ${n} re: invoice INV-${digits(5)}…`,
  (n) => `Ship to: ${n}\n${addr()}\nTel. ${phone()}`,
  (n) => `Write a cover letter for ${n}, who worked at Müller & Söhne GmbH (2015–2020) and ACME, Inc.`,
  (n, f, l) => `${l.toUpperCase()}, ${f} — DOB: ${date()} — SSN: ${ssn()} — e-mail: ${email(f, l)}`,
  (n) => `私の名前は${n}です。電話番号は${phone()}です。`,
  (n) => `Kunde ${n}, Kontonummer ${digits(10)}, BLZ ${digits(8)}, wohnhaft in ${addr()}.`,
  (n) => `${n} paid €${digits(3)},${digits(2)} (≈ $${digits(3)}.${digits(2)}) by card ending ${digits(4)}.`,
];

// ----------------------------------------------------------- clinical ----
const symptoms = ['chest pain', 'dyspnea on exertion', 'fever (39.1 °C)', 'productive cough', 'syncope',
  'RLQ abdominal pain', 'headache w/ photophobia', 'bilateral LE edema', 'hematuria', 'palpitations', 'N/V/D ×3d'];
const conditions = ['HTN', 'T2DM (HbA1c 8.2%)', 'COPD', 'CKD stage 3b', 'CHF (EF 35%)', 'AFib on apixaban',
  'asthma', 'hypothyroidism', 'GERD', 'Crohn’s disease', 'Sjögren’s syndrome', 'Ménière’s disease'];
const drugs = ['metformin 500 mg PO BID', 'lisinopril 10mg daily', 'atorvastatin 40 mg qHS', 'albuterol 90 µg/puff PRN',
  'levothyroxine 75 mcg', 'furosemide 40 mg IV ×1', 'insulin glargine 20 U SC qHS', 'apixaban 5 mg BID',
  'amoxicillin/clavulanate 875/125 mg', 'paracetamol 1 g q6h (max 4 g/24 h)'];
const clinicalTemplates = [
  (n) => `Pt ${n}, DOB ${date()}, MRN ${digits(8)}, presents with ${pick(symptoms)}. Hx of ${pick(conditions)}.`,
  (n) => `Rx: ${pick(drugs)}. BP ${90 + Math.floor(rand() * 80)}/${50 + Math.floor(rand() * 40)} mmHg, HR ${50 + Math.floor(rand() * 70)} bpm, SpO₂ ${88 + Math.floor(rand() * 12)}%, T 3${digits(1)}.${digits(1)}°C.`,
  (n) => `A/P: ${pick(conditions)} — continue ${pick(drugs)}; f/u w/ Dr. ${pick(last)} in 2–3 wks. Pt ${n} agrees.`,
  (n) => `Labs: Na⁺ 13${digits(1)} mmol/L, K⁺ ${digits(1)}.${digits(1)}, Cr 1.${digits(1)} mg/dL (↑ from 0.9), eGFR ≥ 60, WBC 1${digits(1)}.${digits(1)}×10⁹/L.`,
  (n) => `${n} (${20 + Math.floor(rand() * 70)}M) admitted ${date()} to Ward 4B, bed ${digits(2)}; NOK: ${name()} ${phone()}.`,
  (n) => `Allergies: penicillin (rash), sulfa; ½ tab PRN; pain 7/10 → 3/10 after morphine 2 mg IV.`,
  (n) => `CT abd/pelvis: 2.3 × 1.8 cm hypodense lesion, seg. VII; no free air. Impression: ?abscess vs. ?HCC — correlate.`,
  (n) => `Discharge summary for ${n.toUpperCase()} — Insurance ID: ${pick(['BCBS', 'AOK', 'NHS'])}-${digits(9)}; PCP Dr. ${pick(first)} ${pick(last)}, MD.`,
  (n) => `S: "I can't catch my breath" O: RR 2${digits(1)}, crackles R base. A: CAP vs CHF exac. P: CXR, BNP, abx.`,
  (n) => `Patient ${n} reports taking ${pick(drugs)} since ${date()}; denies EtOH/tobacco; lives with spouse at ${addr()}.`,
];

// ------------------------------------------------------------ unicode ----
const long100 = 'a'.repeat(100), long101 = 'b'.repeat(101);
const unicodeCases = [
  'café naïve résumé façade jalapeño crème brûlée', 'Ça va? Où êtes-vous? Élève À l’école',
  'e\u0301 a\u0300 o\u0302 u\u0308 n\u0303 (decomposed)', 'e\u0301\u0323 x\u0323\u0301 q\u0307\u0323 stacked marks',
  'Z̷̧̛̠͎̈́a̶̡͚̓l̵̨̛g̸͎̈o̴̠̽ text', 'Ångström Øre Æsir œuvre Straße STRASSE ẞ', 'İstanbul ISTANBUL ıi İI', 'ΟΔΥΣΣΕΥΣ Ὀδυσσεύς σοφός',
  'Ελληνικά: Αθήνα, Θεσσαλονίκη; ά έ ή ί ΐ', 'Русский текст: Москва, Ёлка, ёжик', 'Українська: Їжак, ґанок, Київ',
  'Հայերեն գրություն Երևան', 'ქართული ენა თბილისი', 'Tiếng Việt: Nguyễn Thị Minh Khai, Hà Nội, Đà Nẵng',
  'العربية: مرحبا بالعالم، كيف حالك؟', 'عَرَبِيٌّ مُشَكَّل', 'كتـــــاب (tatweel)', 'עברית: שָׁלוֹם עוֹלָם', 'שלום, עולם!',
  'ภาษาไทย: สวัสดีครับ กรุงเทพมหานคร', 'हिन्दी: नमस्ते दुनिया, क्षत्रिय', 'मराठी: महाराष्ट्र', 'বাংলা: ঢাকা', 'தமிழ்: சென்னை',
  '日本語のテキストです。東京都港区', 'カタカナ ｶﾀｶﾅ ひらがな', '中文：北京市朝阳区，电话１２３', '繁體中文：臺北市',
  '한국어: 서울특별시 강남구 안녕하세요', '한글 자모 ㄱㄴㄷ', '豈 更 車 (compatibility ideographs)', '𠀀𠀁𪜀 (CJK ext B)',
  '𫠠 𬺰 𰀀 (newer CJK blocks)', '「引用」『二重』【強調】、。・〜', 'ＡＢＣ ａｂｃ １２３ ！？ （全角）', 'ﬁne ﬂow ﬀ ﬃ ﬄ Ĳ ĳ ǅ ǈ',
  '𝐀𝐁𝐂 𝑎𝑏𝑐 𝔸𝔹 𝟙𝟚 (math alnum)', '① ② ⑩ ⅻ Ⅻ ½ ¾ ² ³ ₂ ⁿ', '€100 £50 ¥1000 ₹500 ₿0.01 ¢ ₩ ₪',
  '«quotes» „German“ “curly” ‘single’ ‹angle›', 'dash–en dash—em ‒ ― ‐ hyphen‑nb', 'ellipsis… per‰ prime′ double″',
  '😀 😃 😄 😁 😆 🥰 🫠 🥲', '👨‍👩‍👧‍👦 family', '👩🏽‍⚕️ health worker', '👍🏻👍🏼👍🏽👍🏾👍🏿 skin tones',
  '🏳️‍🌈 🏴‍☠️ flags', '🇩🇪 🇺🇸 🇯🇵 regional indicators', '1️⃣ #️⃣ *️⃣ keycaps', '❤️ ❤ ☺️ ✔️ variation selectors',
  '🏻 lone modifier', 'tag🏴󠁧󠁢󠁳󠁣󠁴󠁿sequence', 'zero\u200Bwidth\u200Cnon\u200Djoiner\uFEFFbom\u2060wj',
  'soft\u00ADhyphen\u00ADated', 'nb\u00A0sp narrow\u202Fnb thin\u2009sp em\u2003sp ideo\u3000sp',
  'line\u2028sep para\u2029sep ogham\u1680sp', 'tab\there\rcr\nlf\vvt\fff', 'nul\u0000byte bell\u0007 esc\u001B[31m del\u007F',
  'c1\u0080\u0085\u009Fcontrols', 'bidi\u200Emarks\u200F\u202Aembed\u202C\u2066iso\u2069', 'replacement \uFFFD char',
  'private \uE000\uF8FF use \u{F0000}', 'unassigned \u0378 \u0379 \uFFFF noncharacter', 'interlinear \uFFF9a\uFFFAb\uFFFB',
  long100, long101, 'x' + long100, 'pneumonoultramicroscopicsilicovolcanoconiosis supercalifragilisticexpialidocious',
  'a'.repeat(99) + 'é', 'é'.repeat(101), 'ab'.repeat(60) + ' end', '日'.repeat(120),
  '[CLS] [SEP] [PAD] [UNK] [MASK] literal specials', 'a[SEP]b[MASK]c', '[cls] [ SEP ] [[MASK]] [MASK][MASK]',
  '##ing ## # ### hashtags #NLP', 'C++ C# F# .NET node.js e.g. i.e. U.S.A. Ph.D.', 'it\'s don\'t I\'m y\'all rock\'n\'roll',
  'https://example.com/path?q=1&r=2#frag mailto:a@b.co', 'a@b.c user+tag@sub.example.co.uk', '(555) 123-4567 +1-800-FLOWERS',
  '3.14159 1,000,000 1.000.000,00 1e-10 -42 +7 0x1F 50% 3/4', '2024-01-31T12:34:56Z 12:00 p.m.', '$$$ !!! ??? ... --- ___ ***',
  '   leading and trailing   ', '', ' ', '\t\n', 'ALLCAPS SHOUTING TEXT', 'MiXeD CaSe WoRdS', 'ÀÉÎÕÜ àéîõü ÇÑ çñ',
  'ǲ ǅ Ǆ ǆ titlecase digraphs', 'Ⅰ Ⅱ Ⅲ roman numerals', 'ℌ ℑ ℜ ℭ ℵ № ℃ ℉ ™ ℠', 'Ω Ω ω K K Å Å (singletons)',
  '\u1E9E \u00DF \u0130 \u0131 \u03A3 \u03C2 \u1F88 \u1FBC', 'ꞵ Ꞵ ᲐᲑᲒ Mtavruli', 'Ꭰ Ꭱ ꭰ Cherokee', '𐐀 𐐨 Deseret',
  'ߊ ߋ NKo', 'ᚠᚢᚦ runic', '⠓⠑⠇⠇⠕ braille', '♠♣♥♦ ♩♪♫ ☀☁☂', '∑∏∫∂∇ ≤≥≠≈ ±×÷ √∞', '←↑→↓ ⇒⇔ ↔',
  '¡Hola! ¿Qué tal?', 'Ελλάδα; (Greek question mark ;)', 'a\u0301\u0301\u0301 triple acute', '각 conjoining jamo 가각',
  '\u0915\u094D\u0937 \u0915\u093F \u0E01\u0E34 \u0E40\u0E01\u0E48\u0E32', 'ْ ً lone Arabic marks', '\u0301 leading mark', 'mark at end\u0301',
  '\u{1D165}\u{1D16D} musical \u{1D15F}', 'ᜀᜁ ꦄꦧ Tagalog Javanese', 'Dives Akuru \u{11935}\u{11930} \u{11938}', 'Garay \u{10D50}\u{10D70}',
  'Latin ext \uA7CB \uA7CC \u1C89', 'reorder \u1EBF\u0323\u302E e\u0302\u0301\u0323\u302E q\u0323\u0301\u302E x',
  'x \u0301\u302E a\u0301\u{1D165}b a\u0345\u{1E000}b \u0345\u{1E000}', '\u1EC7\u302F \uD55C\u302E\uAE00 a\u0301\u0345\u08D4 z \u0103\u0323\u{1D16D}\u0301', 'CJK radicals ⺀ ⼀ ㇀', 'Yi ꀀ ꀁ', 'emoji at word edge😀word😀', 'punct-inside-word:a.b,c;d!e?f',
];

// ------------------------------------------------------------- random ----
const pool = [...'aAbBzZ09 .,;:!?-\'"()[]#@&/\\_'].concat(['é', 'É', 'ß', 'ı', 'İ', 'Σ', 'ς', 'ñ', 'ø', 'Å', 'æ',
  '\u0301', '\u0308', '\u0323', '\u200B', '\u200D', '\uFEFF', '\u00AD', '\u00A0', '\u2028', '\u3000', '\t', '\r', '\n', '\u0000', '\u001F', '\u0085', '\u007F',
  '日', '本', '語', 'ア', 'ｶ', 'ー', '한', '글', 'ก', '\u0E34', 'क', '\u094D', 'ष', 'ع', '\u064E', 'ש', '\u05B8',
  '😀', '👍', '🏽', '👨', '‍', '🇩', '🇪', '\uFE0F', '—', '–', '…', '“', '”', '«', '»', '、', '。', '（', '）', '！',
  'ﬁ', 'Ĳ', '½', '²', '①', '€', '₹', '\uE000', '\uFFFD', '\u0378', '𝐀', '𠀀', '豈', 'Ω', 'K', '[', ']', 'CLS', 'SEP', 'MASK',
  'the', 'patient', 'john', 'smith', '##', 'ing', '\u302E', '\u{1D165}', '\u0345', '\u{1E000}', '\u08D4', '\u1EBF', '\u0F73', '\u0344']);
function randomLine() {
  const n = 1 + Math.floor(rand() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(pool);
  return s;
}

// -------------------------------------------------------------- conll ----
function conllSentences(file) {
  const text = readFileSync(path.join(shared, 'data', 'conll2003', file), 'utf8');
  const out = [];
  let cur = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('-DOCSTART-')) continue;
    if (line === '') {
      if (cur.length) out.push(cur.join(' '));
      cur = [];
      continue;
    }
    cur.push(line.split(' ')[0]);
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

// -------------------------------------------------------------- build ----
const cases = [];
const textCase = (section, text) => cases.push({ section, text });
for (let i = 0; i < 700; i++) {
  const f = pick(first), l = pick(last);
  textCase('pii', pick(piiTemplates)(`${f} ${l}`, f, l));
}
for (let i = 0; i < 450; i++) {
  const parts = [];
  const k = 1 + Math.floor(rand() * 3);
  for (let j = 0; j < k; j++) parts.push(pick(clinicalTemplates)(name()));
  textCase('clinical', parts.join(pick([' ', '\n', '  '])));
}
for (const u of unicodeCases) textCase('unicode', u);
for (let i = 0; i < 300; i++) textCase('random', randomLine());
for (let i = 0; i < 6; i++) {
  const parts = [];
  while (parts.join(' ').length < 4000 + i * 500) {
    parts.push(rand() < 0.5 ? pick(clinicalTemplates)(name()) : pick(piiTemplates)(name(), pick(first), pick(last)));
    if (rand() < 0.2) parts.push(pick(unicodeCases));
  }
  textCase('long', parts.join(pick([' ', '\n'])));
}
for (const file of ['train.txt', 'valid.txt']) {
  const sents = conllSentences(file);
  const step = file === 'train.txt' ? 29 : 11;
  for (let i = 0; i < sents.length; i += step) cases.push({ section: 'conll', file, sentence: i, text: sents[i] });
}

// The Node binding reports offsets in code points (Unicode scalar values),
// not UTF-16 units or bytes: check on a non-ASCII case before converting.
{
  const e = await tokenizers.uncased.encode('é😀 x');
  const o = e.getOffsets();
  const x = e.getTokens().indexOf('x');
  if (x < 0 || o[x][0] !== 3 || o[x][1] !== 4) {
    throw new Error('offsets are not in code points: ' + JSON.stringify(o));
  }
}

function bytesOf(text) {
  // byteAt[k] is the UTF-8 byte offset of code point k.
  const byteAt = [0];
  let b = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    byteAt.push(b);
  }
  return byteAt;
}

const out = [];
for (const c of cases) {
  const rec = { section: c.section };
  if (c.section === 'conll') {
    rec.file = c.file;
    rec.sentence = c.sentence;
    rec.sha256 = createHash('sha256').update(c.text, 'utf8').digest('hex');
  } else {
    rec.text = c.text;
  }
  const byteAt = bytesOf(c.text);
  for (const [name, tk] of Object.entries(tokenizers)) {
    const e = await tk.encode(c.text);
    const offsets = [];
    for (const [s, t] of e.getOffsets()) {
      if (byteAt[s] === undefined || byteAt[t] === undefined) throw new Error('offset out of range');
      offsets.push(byteAt[s], byteAt[t]);
    }
    const enc = {
      ids: e.getIds(),
      offsets,
      words: e.getWordIds().map((w) => (w === null || w === undefined ? -1 : w)),
      special: e.getSpecialTokensMask(),
    };
    // Ids spell the text out, so CoNLL cases keep only a digest of the
    // output: sha256 of JSON [ids, offsets, words, special].
    rec[name] = c.section === 'conll'
      ? { tokens: enc.ids.length, sha256: createHash('sha256').update(JSON.stringify([enc.ids, enc.offsets, enc.words, enc.special])).digest('hex') }
      : enc;
  }
  out.push(JSON.stringify(rec));
}
// Normalizer variants: the shared tokenizers with BertNormalizer options
// changed (the same edits as variantEdits in tokenize/golden_test.go), run
// on the hand-written, random and PII lines.
const variants = {
  nostrip: ['obscura-minilm-conll', { strip_accents: false }],
  strip_cased: ['bert-base-NER-tokenizer', { strip_accents: true }],
  noclean: ['obscura-minilm-conll', { clean_text: false }],
  nochinese: ['obscura-minilm-conll', { handle_chinese_chars: false }],
  bare: ['obscura-minilm-conll', { clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false }],
};
const variantOut = [];
for (const [vname, [model, edit]] of Object.entries(variants)) {
  const j = JSON.parse(readFileSync(path.join(shared, 'models', model, 'tokenizer.json'), 'utf8'));
  Object.assign(j.normalizer, edit);
  const tk = Tokenizer.fromString(JSON.stringify(j));
  for (const c of cases) {
    if (!['unicode', 'random', 'pii'].includes(c.section)) continue;
    if (c.section === 'pii' && rand() < 0.8) continue;
    const e = await tk.encode(c.text);
    const byteAt = bytesOf(c.text);
    variantOut.push(JSON.stringify({
      variant: vname, text: c.text, ids: e.getIds(),
      offsets: e.getOffsets().flatMap(([s, t]) => [byteAt[s], byteAt[t]]),
      words: e.getWordIds().map((w) => (w === null || w === undefined ? -1 : w)),
      special: e.getSpecialTokensMask(),
    }));
  }
}
writeFileSync('../../testdata/tokenize/golden_variants.jsonl.gz', gzipSync(variantOut.join('\n') + '\n', { level: 9 }));
console.log('variant lines:', variantOut.length);
writeFileSync('../../testdata/tokenize/golden.jsonl.gz', gzipSync(out.join('\n') + '\n', { level: 9 }));
const bySection = {};
for (const c of cases) bySection[c.section] = (bySection[c.section] || 0) + 1;
console.log('cases:', cases.length, bySection);
