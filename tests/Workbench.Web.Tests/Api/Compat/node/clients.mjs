// Drives Workbench's compatible APIs with the official openai and ollama npm packages.
// Usage: node clients.mjs <baseUrl> <apiKey> <allowedOrigin>. Prints PASS/FAIL per check; exits 1 if any failed.
import OpenAI from 'openai';
import { Ollama } from 'ollama';

const [baseUrl, apiKey, allowedOrigin] = process.argv.slice(2);
const base = baseUrl.replace(/\/$/, '');
let openAiRequests = 0;
const countingFetch = (url, init) => { openAiRequests++; return fetch(url, init); };
const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey, fetch: countingFetch, maxRetries: 2 });
const ollama = new Ollama({ host: base, headers: { Authorization: `Bearer ${apiKey}` } });
const longPrompt = 'hello '.repeat(3000);
const personSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    age: { type: 'integer' },
    colour: { enum: ['red', 'green', 'blue'] },
  },
  required: ['name', 'age', 'colour'],
  additionalProperties: false,
};

const checks = [];
const check = (name, run) => checks.push({ name, run });
const assert = (condition, message) => { if (!condition) throw new Error(message); };
const rejects = async (promise) => {
  try { await promise; } catch (error) { return error; }
  throw new Error('expected an error, got an answer');
};
const isPerson = (text) => {
  const person = JSON.parse(text);
  assert(JSON.stringify(Object.keys(person)) === '["name","age","colour"]', `keys of ${text}`);
  assert(Number.isInteger(person.age) && ['red', 'green', 'blue'].includes(person.colour), `values of ${text}`);
};

check('openai: a prompt longer than the window is a 400 context_length_exceeded, not retried', async () => {
  openAiRequests = 0;
  const error = await rejects(openai.chat.completions.create({ model: 'alpha', messages: [{ role: 'user', content: longPrompt }] }));
  assert(error.status === 400, `status ${error.status}: ${error.message}`);
  assert(error.code === 'context_length_exceeded', `code ${error.code}`);
  assert(openAiRequests === 1, `sent ${openAiRequests} times`);
});

check('openai: json_schema answer parses and follows the schema', async () => {
  const completion = await openai.chat.completions.create({
    model: 'alpha', max_tokens: 200, seed: 1,
    messages: [{ role: 'user', content: 'Describe a person' }],
    response_format: { type: 'json_schema', json_schema: { name: 'person', schema: personSchema, strict: true } },
  });
  isPerson(completion.choices[0].message.content);
});

check('openai: json_object answer parses, streamed with usage', async () => {
  const stream = await openai.chat.completions.create({
    model: 'alpha', max_tokens: 200, seed: 2, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Reply in JSON' }], response_format: { type: 'json_object' },
  });
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert(typeof JSON.parse(text) === 'object', text);
  assert(usage && usage.completion_tokens > 0, 'no usage');
});

const checkLogprobs = (tokens, count, alternatives, text) => {
  assert(Array.isArray(tokens) && tokens.length === count, `${tokens?.length} logprobs for ${count} tokens`);
  for (const token of tokens) {
    assert(typeof token.token === 'string' && token.logprob <= 0, JSON.stringify(token));
    assert(token.top_logprobs.length === alternatives, `${token.top_logprobs.length} alternatives`);
    assert(token.top_logprobs.every((t, i, all) => i === 0 || all[i - 1].logprob >= t.logprob), 'alternatives out of order');
  }
  if (text !== undefined) {
    assert(Buffer.from(tokens.flatMap((t) => t.bytes)).toString('utf8') === text, 'the tokens\' bytes are not the text');
  }
};

check('openai: logprobs come with each token, whole and streamed', async () => {
  const request = { model: 'alpha', max_tokens: 8, seed: 4, messages: [{ role: 'user', content: 'hi' }], logprobs: true, top_logprobs: 2 };
  const whole = await openai.chat.completions.create(request);
  checkLogprobs(whole.choices[0].logprobs.content, whole.usage.completion_tokens, 2, whole.choices[0].message.content);
  const stream = await openai.chat.completions.create({ ...request, stream: true });
  const streamed = [];
  for await (const chunk of stream) {
    streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
  }
  assert(JSON.stringify(streamed) === JSON.stringify(whole.choices[0].logprobs.content), 'streamed logprobs differ from the whole answer\'s');
});

check('openai: legacy completions list logprobs with text offsets', async () => {
  const completion = await openai.completions.create({ model: 'alpha', prompt: 'Once', max_tokens: 6, seed: 4, logprobs: 3 });
  const logprobs = completion.choices[0].logprobs;
  assert(logprobs.tokens.length === completion.usage.completion_tokens && logprobs.token_logprobs.every((l) => l <= 0), JSON.stringify(logprobs));
  assert(logprobs.top_logprobs.every((top) => Object.keys(top).length >= 1 && Object.keys(top).length <= 3), JSON.stringify(logprobs.top_logprobs));
  assert(logprobs.tokens.join('') === completion.choices[0].text && logprobs.text_offset[0] === 0, JSON.stringify(logprobs));
});

check('ollama: logprobs come with each token of chat and generate', async () => {
  const chat = await ollama.chat({ model: 'alpha', messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 6, seed: 4 }, logprobs: true, top_logprobs: 1 });
  checkLogprobs(chat.logprobs, chat.eval_count, 1, chat.message.content);
  const parts = await ollama.generate({ model: 'alpha', prompt: 'hi', stream: true, options: { num_predict: 6, seed: 4 }, logprobs: true, top_logprobs: 1 });
  const streamed = [];
  let count = 0;
  for await (const part of parts) {
    streamed.push(...(part.logprobs ?? []));
    count = part.done ? part.eval_count : count;
  }
  checkLogprobs(streamed, count, 1);
});

check('openai: models.retrieve and an unknown endpoint answer JSON', async () => {
  const model = await openai.models.retrieve('alpha');
  assert(model.id === 'alpha', JSON.stringify(model));
  const response = await fetch(`${base}/v1/nothing-here`, { headers: { Authorization: `Bearer ${apiKey}` } });
  const body = await response.json();
  assert(response.status === 404 && body.error?.message, JSON.stringify(body));
});

check('openai: responses.create and responses.stream give text with usage and the SDK\'s event sequence', async () => {
  const whole = await openai.responses.create({ model: 'alpha', instructions: 'Be brief.', input: 'Say hi', max_output_tokens: 8 });
  assert(whole.object === 'response' && whole.output_text.length > 0 && whole.usage.output_tokens === 8, JSON.stringify(whole));
  const stream = openai.responses.stream({ model: 'alpha', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Say hi' }] }], max_output_tokens: 8 });
  const types = [];
  let deltas = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') deltas += event.delta;
  }
  const final = await stream.finalResponse();
  assert(types[0] === 'response.created' && types.includes('response.output_item.done'), types.join(','));
  assert(deltas.length > 0 && final.output_text === deltas, `${JSON.stringify(final.output_text)} vs ${JSON.stringify(deltas)}`);
});

check('openai: responses give logprobs when included, whole and streamed', async () => {
  const request = { model: 'alpha', input: 'Say hi', max_output_tokens: 6, include: ['message.output_text.logprobs'], top_logprobs: 2 };
  const whole = await openai.responses.create(request);
  const part = whole.output[0].content[0];
  checkLogprobs(part.logprobs, whole.usage.output_tokens, 2, part.text);
  const stream = openai.responses.stream(request);
  const streamed = [];
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') streamed.push(...event.logprobs);
  }
  const final = await stream.finalResponse();
  checkLogprobs(streamed, final.usage.output_tokens, 2, final.output_text);
});

check('ollama: keep_alive 0 unloads the model', async () => {
  await ollama.generate({ model: 'beta', prompt: '', keep_alive: '5m' });
  assert((await ollama.ps()).models.some((m) => m.name === 'beta:latest'), 'beta not loaded');
  await ollama.generate({ model: 'beta', prompt: '', keep_alive: 0 });
  assert(!(await ollama.ps()).models.some((m) => m.name === 'beta:latest'), 'beta still loaded');
});

check('ollama: format json and a schema give JSON that parses', async () => {
  const json = await ollama.generate({ model: 'alpha', prompt: 'Reply in JSON', format: 'json', options: { num_predict: 200, seed: 3 } });
  assert(typeof JSON.parse(json.response) === 'object', json.response);
  const chat = await ollama.chat({ model: 'alpha', messages: [{ role: 'user', content: 'Describe a person' }], format: personSchema, options: { num_predict: 200, seed: 4 } });
  isPerson(chat.message.content);
});

check('ollama: raw prompts answer; a suffix on a model without FIM tokens is a 400 saying why', async () => {
  const raw = await ollama.generate({ model: 'alpha', prompt: 'hello world', raw: true, options: { num_predict: 3 } });
  assert(raw.done && raw.eval_count > 0, JSON.stringify(raw));
  const error = await rejects(ollama.generate({ model: 'alpha', prompt: 'def f(', suffix: 'return 1', stream: false }));
  assert(error.status_code === 400 && /fill-in-the-middle/.test(error.error), `${error.status_code} ${error.error}`);
});

check('ollama: an overlong prompt is a 400, pull is a 501 with the reason', async () => {
  const overflow = await rejects(ollama.generate({ model: 'alpha', prompt: longPrompt }));
  assert(overflow.status_code === 400, `${overflow.status_code} ${overflow.error}`);
  const pull = await rejects(ollama.pull({ model: 'llama3', stream: false }));
  assert(pull.status_code === 501 && /model library/.test(pull.error), `${pull.status_code} ${pull.error}`);
});

check('cors: a listed origin passes the preflight, a foreign one gets no CORS headers; HEAD / is 200', async () => {
  const preflight = (origin) => fetch(`${base}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  const allowed = await preflight(allowedOrigin);
  assert(allowed.status === 204 && allowed.headers.get('access-control-allow-origin') === allowedOrigin, `allowed: ${allowed.status}`);
  const foreign = await preflight('http://evil.example');
  assert(foreign.headers.get('access-control-allow-origin') === null, 'foreign origin allowed');
  const head = await fetch(`${base}/`, { method: 'HEAD' });
  assert(head.status === 200, `HEAD / ${head.status}`);
});

let failed = 0;
for (const { name, run } of checks) {
  const started = Date.now();
  try {
    await run();
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
