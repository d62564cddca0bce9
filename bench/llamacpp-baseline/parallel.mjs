// Decodes <tokens> tokens in each of <streams> sequences at once from <model> with llama.cpp through node-llama-cpp's
// prebuilt binary (one context, its own batching of the sequences), <threads> threads, greedy, [gpu layers] on a GPU
// (default 0: the CPU build); after the prompts
// are in, times only the decoding and prints one line of JSON: {"tokensPerSecond": …} for all sequences together.
import { getLlama } from "node-llama-cpp";

const [modelPath, threads, streams, tokens, gpuLayers = 0] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a)));
const llama = await getLlama({ gpu: gpuLayers > 0 ? "auto" : false, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath, gpuLayers });
const context = await model.createContext({ contextSize: 512 * streams, sequences: streams, threads, batchSize: 512, flashAttention: true });
const prompt = model.tokenize("Tell me a story about a lighthouse keeper.");
let started = 0;
let ready = 0;
const decoded = await Promise.all(Array.from({ length: streams }, async (_, i) => {
  const sequence = context.getSequence();
  let count = 0;
  for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
    // The clock starts once every sequence has its first token: prompts are not part of the decode rate.
    if (count === 0 && ++ready === streams) started = performance.now();
    if (++count >= tokens) break;
  }
  return count - 1;
}));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ tokensPerSecond: decoded.reduce((a, b) => a + b, 0) / seconds }));
await context.dispose();
await model.dispose();
