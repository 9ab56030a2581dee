// The floor of the proxy comparison: the least a Node proxy can do — take the request, post the same bytes to the
// upstream with undici (a keep-alive Pool, as portai's wire layer), send the answer back. No parsing, no routing, no
// ledger. What this arm adds over the direct one is what one Node hop costs on this machine, whatever the proxy.
// Usage: node bench/floor-proxy.mjs <upstream port>; prints {"port": N} when listening.
import http from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(`http://127.0.0.1:${process.argv[2]}`, { connections: 128, keepAliveTimeout: 30_000 });
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const answer = await upstream.request({ method: 'POST', path: request.url, headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' }, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.body.arrayBuffer());
      response.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
