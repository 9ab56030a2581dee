// `portai serve` against slow, idle and unauthenticated clients, over real sockets on loopback: a client that
// trickles its headers or body is cut off, an idle kept-alive socket is closed, an unauthenticated request's
// socket is closed right after the 401, and connections over the cap are closed on arrival.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './serve-helpers.js';

let harness: Harness;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await harness.close();
});

/** A raw socket that collects what the server says and notes when the server ends it. */
interface RawClient {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
  isClosed: () => boolean;
}

async function connect(): Promise<RawClient> {
  const { port } = new URL(harness.server.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  socket.on('error', () => {});
  const closedPromise = new Promise<void>((resolve) => socket.on('close', () => ((closed = true), resolve())));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed: closedPromise, isClosed: () => closed };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function head(method: string, path: string, headers: Record<string, string | number>): string {
  const host = new URL(harness.server.url).host;
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes a line at a time until the server closes the socket, or `lines` run out. Returns how many were written. */
async function trickle(client: RawClient, line: (index: number) => string, lines: number): Promise<number> {
  for (let index = 0; index < lines; index++) {
    if (client.isClosed()) return index;
    client.socket.write(line(index));
    await pause(50);
  }
  return lines;
}

describe('slow clients', () => {
  it('a client sending its headers slowly (slowloris) is cut off with a 408', async () => {
    harness = await startHarness({ connectionLimits: { headersTimeoutMs: 300, checkIntervalMs: 50 } });
    const client = await connect();
    client.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${new URL(harness.server.url).host}\r\n`);
    // 400 header lines at 50 ms each would take 20 s: the server must end it long before
    const written = await trickle(client, (index) => `X-Slow-${index}: ${'a'.repeat(10)}\r\n`, 400);
    await client.closed;
    expect(written).toBeLessThan(400);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('an authenticated client trickling its body is cut off, and nothing is sent upstream', async () => {
    harness = await startHarness({ connectionLimits: { headersTimeoutMs: 300, requestTimeoutMs: 400, checkIntervalMs: 50 } });
    const client = await connect();
    const body = JSON.stringify({ model: 'free', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    client.socket.write(head('POST', '/v1/chat/completions', { authorization: `Bearer ${harness.server.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }));
    const written = await trickle(client, (index) => body.slice(index, index + 1), body.length);
    await client.closed;
    expect(written).toBeLessThan(body.length);
    expect(harness.fake.requests).toHaveLength(0);
    expect(harness.attempts()).toHaveLength(0);
    expect(harness.logs).toEqual([]);
  });

  it('an answer that takes longer than the request timeout is not cut: the limit covers receiving the request only', async () => {
    harness = await startHarness({ connectionLimits: { headersTimeoutMs: 200, requestTimeoutMs: 200, checkIntervalMs: 50 } });
    harness.fake.enqueue({ text: 'slow but whole', delay_ms: 600 });
    const response = await fetch(`${harness.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'free', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('[DONE]');
  });

  it('an idle kept-alive socket is closed after the keep-alive timeout', async () => {
    harness = await startHarness({ connectionLimits: { keepAliveTimeoutMs: 200 } });
    const client = await connect();
    client.socket.write(head('GET', '/v1/models', { authorization: `Bearer ${harness.server.token}`, connection: 'keep-alive' }));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(client.received()).toMatch(/keep-alive/i);
  });
});

describe('unauthenticated requests', () => {
  it('the socket is closed right after the 401, even on keep-alive', async () => {
    // a long keep-alive: only the 401 can explain the close
    harness = await startHarness({ connectionLimits: { keepAliveTimeoutMs: 60_000 } });
    const client = await connect();
    client.socket.write(head('GET', '/v1/models', { authorization: 'Bearer wrong-token', connection: 'keep-alive' }));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('a 401 does not wait for the body the client announced', async () => {
    harness = await startHarness({ connectionLimits: { keepAliveTimeoutMs: 60_000, requestTimeoutMs: 60_000 } });
    const client = await connect();
    client.socket.write(head('POST', '/v1/chat/completions', { 'x-api-key': 'wrong', 'content-type': 'application/json', 'content-length': 100_000 }));
    client.socket.write('{"model":"free",');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('an authenticated request keeps its socket open for the next one', async () => {
    harness = await startHarness({ connectionLimits: { keepAliveTimeoutMs: 60_000 } });
    const client = await connect();
    const request = head('GET', '/v1/models', { authorization: `Bearer ${harness.server.token}`, connection: 'keep-alive' });
    client.socket.write(request);
    client.socket.write(request);
    while ((client.received().match(/HTTP\/1\.1 200/g) ?? []).length < 2 && !client.isClosed()) await pause(20);
    expect(client.isClosed()).toBe(false);
    expect(client.received().match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });
});

describe('the connection cap', () => {
  it('connections over the cap are closed on arrival; those within it still work', async () => {
    harness = await startHarness({ connectionLimits: { maxConnections: 3, keepAliveTimeoutMs: 60_000 } });
    const held = [await connect(), await connect(), await connect()];
    // a round trip on the last one: by then the server has accepted all three
    held[2].socket.write(head('GET', '/v1/models', { authorization: `Bearer ${harness.server.token}` }));
    while (!/HTTP\/1\.1 200/.test(held[2].received())) await pause(20);
    const over = await connect();
    over.socket.write(head('GET', '/v1/models', { authorization: `Bearer ${harness.server.token}` }));
    await over.closed;
    expect(over.received()).toBe('');
    held[0].socket.write(head('GET', '/v1/models', { authorization: `Bearer ${harness.server.token}` }));
    while (!/HTTP\/1\.1 200/.test(held[0].received()) && !held[0].isClosed()) await pause(20);
    expect(held[0].received()).toMatch(/^HTTP\/1\.1 200/);
  });
});
