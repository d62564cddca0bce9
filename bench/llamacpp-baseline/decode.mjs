// Decodes <tokens> tokens from <model> with llama.cpp through node-llama-cpp's prebuilt binary, one sequence,
// <threads> threads, greedy, [gpu layers] on a GPU (default 0: the CPU build); prints one line of JSON:
// {"tokensPerSecond": …, "firstTokenMs": …}.
import { getLlama } from "node-llama-cpp";

const [modelPath, threads, tokens, gpuLayers = "0"] = process.argv.slice(2);
const llama = await getLlama({ gpu: Number(gpuLayers) > 0 ? "auto" : false, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath, gpuLayers: Number(gpuLayers) });
const context = await model.createContext({ contextSize: 512, threads: Number(threads), batchSize: 512, flashAttention: true });
const sequence = context.getSequence();
const prompt = model.tokenize("Tell me a story about a lighthouse keeper.");
const started = performance.now();
let first = 0;
let count = 0;
for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
  if (count === 0) first = performance.now();
  if (++count >= Number(tokens)) break;
}
const elapsed = (performance.now() - first) / 1000;
console.log(JSON.stringify({ tokensPerSecond: (count - 1) / elapsed, firstTokenMs: first - started }));
await context.dispose();
await model.dispose();
