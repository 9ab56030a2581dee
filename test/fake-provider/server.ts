// A loopback stand-in for OpenRouter, Z.AI, Anthropic and friends: real HTTP on 127.0.0.1, real
// response shapes, every request recorded, answers scripted per test.
//
//   const provider = await startFakeProvider();
//   provider.enqueue({ text: 'hello' }, { fixture: 'openrouter-429-free-per-day' });
//   ... base_url: `${provider.url}/api/v1` ...
//   expect(provider.requests[0].body).toMatchObject({ model: 'x' });
//   await provider.close();
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerAnthropic } from './anthropic-answer.js';
import { loadFixture } from './fixtures.js';
import { minuteLimit, type MinuteLimit } from './minute-limit.js';
import { answerCatalogRoute, openRouterKey, zaiQuota, type CatalogRouteState } from './catalog-routes.js';
import { answerOpenAi } from './openai-answer.js';
import { PROXY_502_PAGE, sendJson } from './shape.js';
import type { IncomingRequest, RecordedRequest, Reply, Responder } from './types.js';

export type { IncomingRequest, RecordedRequest, Reply, Responder } from './types.js';
export { loadFixture, loadQuotaFixture, fixtureNames, fixturesDir } from './fixtures.js';

export interface FakeProvider {
  /** the origin, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: RecordedRequest[];
  /** the default answer for requests no queued reply is for */
  reply(responder: Responder): void;
  /** one-shot answers, used in order; one with `model` waits for a request to that model */
  enqueue(...replies: Reply[]): void;
  /** what GET …/models answers, as `{data: models}` */
  setModels(models: unknown[]): void;
  /** what GET …/key answers, as `{data: key}` */
  setKey(key: Record<string, unknown>): void;
  /** what Z.AI's GET /api/monitor/usage/quota/limit answers (catalog-routes.ts zaiQuota / zaiCreditQuota); a number: that HTTP error */
  setQuota(body: unknown): void;
  /** enforce a per-minute limit on the fake's side, counted on arrival; over it, OpenRouter's free-models-per-min 429 */
  limitPerMinute(limit: number): void;
  /** chat requests the fake refused with its own quota 429 (a test that guards quota expects none) */
  quotaErrors: RecordedRequest[];
  /** a slow network: each request reaches the fake (is recorded, counted and answered) this much later; 0: at once */
  setLatency(ms: number): void;
  /** forget recorded requests, queued replies and the responder */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  models?: unknown[];
  key?: Record<string, unknown>;
}

// every field the OpenAPI GET /key response requires, plus free_model_daily_requests (catalog-routes.ts)
const DEFAULT_KEY = openRouterKey({ free_model_daily_requests: { used: 0, limit: 50, remaining: 50 } });

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let queue: Reply[] = [];
  let responder: Responder | undefined;
  let models = options.models ?? [];
  let key = options.key ?? DEFAULT_KEY;
  let counter = 0;
  let limiter: MinuteLimit | undefined;
  let latency_ms = 0;
  const quotaErrors: RecordedRequest[] = [];
  const catalogState: CatalogRouteState = { quota: zaiQuota() };

  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => (latency_ms > 0 ? setTimeout(handle, latency_ms) : handle()));
    function handle(): void {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: lowerHeaders(incoming.headers), body: parseBody(text), at_ms: Date.now() };
      requests.push(recorded);
      counter += 1;
      try {
        route(recorded, response, `fake${String(counter).padStart(6, '0')}`);
      } catch (error) {
        sendJson(response, 500, { error: { code: 500, message: `fake provider: ${(error as Error).message}` } });
      }
    }
  });

  function route(request: RecordedRequest, response: http.ServerResponse, id: string): void {
    const pathname = request.path.split('?')[0].replace(/\/+$/, '');
    if (request.method === 'GET' && pathname.endsWith('/models')) return sendJson(response, 200, { data: models, total_count: models.length, links: { next: null } }); // ModelsListResponse requires total_count and links
    if (request.method === 'GET' && pathname.endsWith('/key')) return sendJson(response, 200, { data: key });
    if (answerCatalogRoute(request, response, catalogState)) return;
    const protocol = pathname.endsWith('/chat/completions') ? 'openai-chat' : pathname.endsWith('/v1/messages') ? 'anthropic-messages' : undefined;
    if (request.method !== 'POST' || !protocol) return sendJson(response, 404, { error: { code: 404, message: `fake provider has no ${request.method} ${pathname}` } });
    // counted as it arrives (after the network's latency), as the provider counts it
    const admitted = limiter?.admit(request.at_ms) ?? { ok: true };
    if (!admitted.ok) {
      quotaErrors.push(request);
      const fixture = loadFixture('openrouter-429-free-per-min');
      const reset = String(admitted.reset_ms);
      const body = fixture.body as { error: { metadata: { headers: Record<string, string> } } };
      body.error.metadata.headers['X-RateLimit-Reset'] = reset;
      return sendRaw(response, 429, { ...fixture.headers, 'x-ratelimit-reset': reset }, body);
    }
    const incoming = describe(request, protocol);
    const reply = takeQueued(incoming.model) ?? responder?.(incoming) ?? {};
    const answer = () => respond(response, incoming, reply, id);
    if (reply.delay_ms) setTimeout(answer, reply.delay_ms);
    else answer();
  }

  function takeQueued(model: string): Reply | undefined {
    const index = queue.findIndex((reply) => reply.model === undefined || reply.model === model);
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (next) => void (responder = next),
    enqueue: (...replies) => void queue.push(...replies),
    setModels: (next) => void (models = next),
    setKey: (next) => void (key = next),
    setQuota: (body) => void (catalogState.quota = body),
    limitPerMinute: (limit) => void (limiter = minuteLimit(limit)),
    quotaErrors,
    setLatency: (ms) => void (latency_ms = ms),
    reset: () => {
      latency_ms = 0;
      requests.length = 0;
      quotaErrors.length = 0;
      limiter = undefined;
      queue = [];
      responder = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // hanging replies and keep-alive sockets would hold close() open forever
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(response: http.ServerResponse, request: IncomingRequest, reply: Reply, id: string): void {
  if (response.destroyed) return;
  if (reply.hang) return;
  if (reply.fixture) {
    const fixture = loadFixture(reply.fixture);
    return sendRaw(response, fixture.status, fixture.headers ?? {}, fixture.body);
  }
  if (reply.status !== undefined) return sendRaw(response, reply.status, reply.headers ?? {}, reply.body ?? '');
  if (reply.html) {
    response.writeHead(502, { 'content-type': 'text/html', server: 'cloudflare' });
    return void response.end(PROXY_502_PAGE);
  }
  if (request.protocol === 'openai-chat') return answerOpenAi(response, request, reply, id);
  return answerAnthropic(response, request, reply, id);
}

function sendRaw(response: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(text);
}

function describe(request: RecordedRequest, protocol: IncomingRequest['protocol']): IncomingRequest {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as { model?: unknown; stream?: unknown; messages?: unknown };
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return {
    ...request,
    protocol,
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    lastUserText: typeof lastUser?.content === 'string' ? lastUser.content : '',
  };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lowerHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
