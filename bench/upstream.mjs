// The fake upstream for the proxy comparison, as its own process: one loopback OpenAI-chat server per arm (so each
// arm's bytes can be told apart), all answering the same small completion after a settable delay.
// Prints one JSON line {"arms": {name: port}} when listening. Control, on any port:
//   POST /__bench/delay?ms=N   answer chat completions after N ms
//   GET  /__bench/seen         the first request this port received: method, path, headers, body (base64), and a count
// Usage: node bench/upstream.mjs <arm> [<arm>...]
import http from 'node:http';

const ANSWER = JSON.stringify({
  id: 'gen-bench',
  object: 'chat.completion',
  created: 1_790_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24 },
});
let delay = 0;

function arm() {
  let first = null;
  let count = 0;
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url, 'http://upstream');
      if (url.pathname === '/__bench/delay') {
        delay = Number(url.searchParams.get('ms'));
        response.end('ok');
        return;
      }
      if (url.pathname === '/__bench/seen') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ count, first }));
        return;
      }
      count++;
      first ??= { method: request.method, path: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('base64') };
      const answer = () => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
        response.end(ANSWER);
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

const names = process.argv.slice(2);
const ports = {};
for (const name of names) ports[name] = await arm();
process.stdout.write(`${JSON.stringify({ arms: ports })}\n`);
process.on('SIGTERM', () => process.exit(0));
