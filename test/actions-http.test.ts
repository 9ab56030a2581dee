// The http action against a real loopback server: bodies, query, headers, expect, errors, truncation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionContext } from '../src/actions/index.js';
import { BadInputError, RunFailedError } from '../src/errors.js';
import { configWithCalendars } from './helpers/radicale.js';

const context: ActionContext = { config: configWithCalendars({}), env: {}, timezone: 'UTC' };
const TWO_MIB = 2 * 1024 * 1024;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (url.pathname === '/echo') {
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.end(JSON.stringify({ method: request.method, query: Object.fromEntries(url.searchParams), values: url.searchParams.getAll('tag'), header: request.headers['x-test'] ?? null, contentType: request.headers['content-type'] ?? null, body }));
      } else if (url.pathname === '/text') {
        response.setHeader('content-type', 'text/plain');
        response.end('hello, plain text');
      } else if (url.pathname === '/untyped-json') {
        response.end('{"from":"untyped"}');
      } else if (url.pathname.startsWith('/status/')) {
        response.statusCode = Number(url.pathname.slice('/status/'.length));
        response.end(`status body: things went ${response.statusCode === 404 ? 'missing' : 'wrong'}`);
      } else if (url.pathname === '/big') {
        response.setHeader('content-type', 'application/json');
        response.end(`"${'a'.repeat(TWO_MIB)}"`);
      } else if (url.pathname === '/moved') {
        response.statusCode = 302;
        response.setHeader('location', '/text');
        response.end();
      } else if (url.pathname === '/silent') {
        // never answers: the step's timeout must end it
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const failure = (spec: Record<string, unknown>) => runAction('http', spec, context).then(() => undefined, (error: unknown) => error);

describe('http action', () => {
  it('returns parsed JSON and sends query values and headers', async () => {
    const output = await runAction('http', { url: `${base}/echo?kept=1`, query: { q: 'a b', tag: ['x', 'y'], skip: null, count: 3 }, headers: { 'X-Test': 'yes' } }, context);
    expect(output).toEqual({ method: 'GET', query: { kept: '1', q: 'a b', tag: 'y', count: '3' }, values: ['x', 'y'], header: 'yes', contentType: null, body: '' });
  });

  it('sends json (an object or a JSON string) and body', async () => {
    const viaObject = (await runAction('http', { method: 'post', url: `${base}/echo`, json: { a: [1, 2] } }, context)) as Record<string, unknown>;
    expect(viaObject).toMatchObject({ method: 'POST', contentType: 'application/json', body: '{"a":[1,2]}' });
    const viaString = (await runAction('http', { method: 'PUT', url: `${base}/echo`, json: '{"b": true}' }, context)) as Record<string, unknown>;
    expect(viaString).toMatchObject({ method: 'PUT', body: '{"b":true}' });
    const viaBody = (await runAction('http', { method: 'POST', url: `${base}/echo`, body: 'raw=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, context)) as Record<string, unknown>;
    expect(viaBody).toMatchObject({ body: 'raw=1', contentType: 'application/x-www-form-urlencoded' });
  });

  it('returns text, and JSON when an untyped body parses', async () => {
    expect(await runAction('http', { url: `${base}/text` }, context)).toBe('hello, plain text');
    expect(await runAction('http', { url: `${base}/untyped-json` }, context)).toEqual({ from: 'untyped' });
  });

  it('follows a redirect', async () => {
    expect(await runAction('http', { url: `${base}/moved` }, context)).toBe('hello, plain text');
  });

  it('accepts the statuses listed in expect and refuses others', async () => {
    expect(await runAction('http', { url: `${base}/status/404`, expect: [404] }, context)).toBe('status body: things went missing');
    const error = await failure({ url: `${base}/echo`, expect: [201] });
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).userLines().join('\n')).toMatch(/returned HTTP 200.*\n.*expects 201/);
  });

  it('fails on a non-2xx status naming method, URL without query, status and an excerpt', async () => {
    const error = await failure({ method: 'DELETE', url: `${base}/status/500?api_key=sk-very-secret-value`, headers: { authorization: 'Bearer sk-header-secret' } });
    expect(error).toBeInstanceOf(RunFailedError);
    const text = (error as RunFailedError).userLines().join('\n');
    expect(text).toContain(`http DELETE ${base}/status/500 returned HTTP 500: status body: things went wrong`);
    expect(text).not.toContain('sk-very-secret-value');
    expect(text).not.toContain('sk-header-secret');
  });

  it('truncates a body over 1 MiB with a note', async () => {
    const output = await runAction('http', { url: `${base}/big` }, context);
    expect(typeof output).toBe('string');
    const text = output as string;
    expect(text.startsWith(`"${'a'.repeat(1000)}`)).toBe(true);
    expect(text).toContain('[portai: response truncated');
    expect(text.length).toBeLessThan(1024 * 1024 + 200);
    expect(text.length).toBeGreaterThan(1024 * 1024 - 1);
  });

  it('refuses URLs that are not http or https, and malformed specs', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'javascript:alert(1)', 'not a url']) {
      const error = await failure({ url });
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).userLines()[0]).toContain('http.url');
    }
    expect(await failure({ url: `${base}/echo`, json: { a: 1 } })).toBeInstanceOf(BadInputError);
    expect(await failure({ method: 'POST', url: `${base}/echo`, json: {}, body: 'x' })).toBeInstanceOf(BadInputError);
    expect(await failure({ url: `${base}/echo`, expect: ['ok'] })).toBeInstanceOf(BadInputError);
    expect(await failure({ url: `${base}/echo`, retries: 3 })).toBeInstanceOf(BadInputError);
    expect(await failure({ url: `http://user:pw@127.0.0.1/` })).toBeInstanceOf(BadInputError);
  });

  it('says "cannot reach" when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure({ url: `http://127.0.0.1:${port}/x?token=abc12345678` });
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain(`cannot reach 127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('abc12345678');
  });

  it('ends a request that gets no answer within the timeout', async () => {
    const error = await failure({ url: `${base}/silent`, timeout: 100 });
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain('no complete answer within 100 ms');
  });
});
