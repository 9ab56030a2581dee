// `portai serve` releases the reservation of a request that never left this machine, exactly as the runner does
// (both finish attempts through finishFailed): a refused upstream is not spent quota, a 500 from a real server is.
import net from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { providerWindows } from '../src/runner/endpoint.js';
import { serveConfig, startHarness, type Harness } from './serve-helpers.js';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('serve counts only upstream requests that reached a server', () => {
  it('a refused upstream weighs nothing; the fallback that answered 500 counts', async () => {
    const port = await closedPort();
    harness = await startHarness({
      config: (url) => {
        const config = serveConfig(url, { routes: [{ use: ['openrouter/free/alpha:free', 'zai/glm-4.7'] }] });
        config.providers.openrouter.base_urls = { 'openai-chat': `http://127.0.0.1:${port}/api/v1` };
        return config;
      },
    });
    harness.fake.reply(() => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } }));
    const client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: harness.server.token, maxRetries: 0 });
    const failure = await client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);

    const attempts = harness.attempts();
    expect(attempts.filter((row) => row.provider === 'openrouter').length).toBeGreaterThan(0);
    const reached = harness.fake.requests.filter((request) => request.path.endsWith('/v1/messages')).length;
    expect(reached).toBeGreaterThan(0);
    const snapshot = harness.ledger.usage(providerWindows(harness.config, Date.now()), Date.now());
    expect(snapshot.providers.openrouter.day).toBe(0);
    expect(snapshot.providers.openrouter.minute).toBe(0);
    expect(snapshot.providers.zai.day).toBe(reached);
  });
});
