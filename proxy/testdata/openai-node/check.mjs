// Drives the official openai client against the proxy in OBSCURA_BASE_URL
// and prints what it received as one JSON object (proxy/node_test.go
// checks it). The fake upstream's settings travel as extra body fields.
import OpenAI from "openai";

const client = new OpenAI({
  baseURL: process.env.OBSCURA_BASE_URL,
  apiKey: process.env.OBSCURA_API_KEY,
  maxRetries: 0,
});
const messages = JSON.parse(process.env.OBSCURA_MESSAGES);
const prompt = process.env.OBSCURA_PROMPT;
const out = {};

const whole = await client.chat.completions.create({ model: "echo", messages });
out.whole = whole.choices[0].message.content;

const stream = await client.chat.completions.create({ model: "echo", messages, stream: true, fake_split: "1" });
out.pieces = [];
for await (const chunk of stream) {
  const d = chunk.choices[0]?.delta?.content;
  if (d) out.pieces.push(d);
}
out.streamed = out.pieces.join("");

const comp = await client.completions.create({ model: "echo", prompt });
out.completion = comp.choices[0].text;
const cstream = await client.completions.create({ model: "echo", prompt, stream: true, fake_split: "2" });
out.completionStreamed = "";
for await (const chunk of cstream) out.completionStreamed += chunk.choices[0]?.text ?? "";

try {
  await client.chat.completions.create({ model: "error", messages });
  out.error = "no error";
} catch (e) {
  out.errorStatus = e.status;
  out.errorCode = e.code;
}
process.stdout.write(JSON.stringify(out));
