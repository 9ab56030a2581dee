// Which transport failures may have reached the server (and so count as spent quota), from real sockets on loopback.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import { adapterFor } from '../src/wire/index.js';
import { closeConnections } from '../src/wire/http.js';
import { testEndpoint } from './fake-provider/endpoint.js';
import type { ChatRequest } from '../src/types.js';

const request: ChatRequest = { model: 'small-model', messages: [{ role: 'user', content: 'hi' }], max_output_tokens: 16, effort: 'low', privacy: 'public', free_only: false };
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

async function listen(server: net.Server): Promise<string> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function failureOf(origin: string, timeouts = {}): Promise<ProviderError> {
  const error = await adapterFor('openai-chat').send(testEndpoint(origin, { timeouts }), request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

let refused: string;
let plainHttp: string;
let hangsUp: string;
let silent: string;

beforeAll(async () => {
  const probe = net.createServer();
  refused = await listen(probe);
  servers.pop();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  plainHttp = await listen(http.createServer((_incoming, response) => response.end('plain')));
  hangsUp = await listen(net.createServer((socket) => socket.once('data', () => socket.destroy())));
  silent = await listen(net.createServer(() => undefined));
});

afterAll(async () => {
  await closeConnections();
  for (const socket of sockets) socket.destroy();
  for (const server of servers) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('a transport failure says whether the request may have reached the server', () => {
  it('never sent: refused connection, unknown host, TLS handshake failure', async () => {
    const offline = await failureOf(`http://${refused}`);
    expect([offline.code, offline.reached]).toEqual(['ECONNREFUSED', false]);
    // .invalid never resolves (RFC 6761), offline or not
    const unknown = await failureOf('http://portai-test.invalid');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(unknown.code);
    expect(unknown.reached).toBe(false);
    const tls = await failureOf(`https://${plainHttp}`);
    expect([tls.code, tls.reached]).toEqual(['ERR_SSL_WRONG_VERSION_NUMBER', false]);
  });

  it('maybe sent, so counted: a hang-up after the request was read, no answer in time', async () => {
    const dropped = await failureOf(`http://${hangsUp}`);
    expect(dropped.kind).toBe('network');
    expect(dropped.reached).toBe(true);
    const slow = await failureOf(`http://${silent}`, { first_byte_ms: 200 });
    expect([slow.kind, slow.reached]).toEqual(['timeout', true]);
  });
});
