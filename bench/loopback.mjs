// A minimal OpenAI-compatible server on 127.0.0.1: answers every chat completion with the same small body.
import http from 'node:http';

const ANSWER = JSON.stringify({
  id: 'gen-bench',
  object: 'chat.completion',
  created: 1_790_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24 },
});

export async function startLoopback() {
  let delay = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = () => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
        response.end(ANSWER);
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setDelay(ms) {
      delay = ms;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
