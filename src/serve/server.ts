// `portai serve`: an OpenAI- and Anthropic-compatible endpoint on loopback, so every agent pointed at it goes
// through portai's routes, spend guard, quota ledger, privacy filter and fallbacks — and never holds a real key.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { hostAllowed, isLoopbackHost, loadOrCreateToken, originAllowed, presentedToken, tokenMatches } from './auth.js';
import { ClientError, type ClientFormat } from './client-error.js';
import { estimateTokens, promptCharacters } from './estimate.js';
import { clientName, readJsonBody, sendError, sendJson } from './http-io.js';
import { modelEntry, modelList } from './model-list.js';
import { matchAlias } from './aliases.js';
import { proxy, type ServeContext } from './proxy.js';
import { listenError } from './listen-error.js';
import { screenRequest } from './screen-request.js';
import { chatRequestFromResponses } from './translate/responses-request.js';
import { handleDashboard, isDashboardPath } from '../dashboard/handler.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits.js';

const DASHBOARD_BASE = '/dashboard';

export interface ServeOptions {
  config: Config;
  ledger: Ledger;
  /** 0 or absent: any free port */
  port?: number;
  /** absent: 127.0.0.1. Anything not loopback must be asked for explicitly and is warned about. */
  host?: string;
  /** $PORTAI_HOME: where serve-token lives */
  home: string;
  env: Record<string, string | undefined>;
  /** warnings and notices; default stderr */
  log?: (line: string) => void;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** tests shorten these; see connection-limits.ts */
  connectionLimits?: Partial<ConnectionLimits>;
}

export interface RunningServer {
  /** origin, e.g. http://127.0.0.1:8787 (no /v1) */
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!isLoopbackHost(host)) {
    log(`warning: portai serve is listening on ${host}, not loopback: anyone who can reach it and holds the token spends your quotas`);
  }
  const token = loadOrCreateToken(options.home);
  const context: ServeContext = {
    config: options.config,
    ledger: options.ledger,
    env: options.env,
    clock: options.clock ?? (() => options.ledger.now()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    log,
  };
  let port = 0;
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  const server = http.createServer({ connectionsCheckingInterval: limits.checkIntervalMs }, (request, response) => {
    handle(request, response, context, token, port, host).catch((error: unknown) => {
      log(`portai serve: ${(error as Error)?.message ?? String(error)}`);
      if (!response.writableEnded) sendError(response, formatOf(request), new ClientError(500, 'api_error', 'portai serve failed on this request; see its log'));
    });
  });
  applyConnectionLimits(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, host, options.port ?? 0)));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function formatOf(request: IncomingMessage): ClientFormat {
  const url = request.url ?? '';
  if (url.startsWith('/v1/messages')) return 'anthropic';
  // the models endpoints serve both SDKs: the Anthropic one always sends anthropic-version
  return url.startsWith('/v1/models') && request.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

async function handle(request: IncomingMessage, response: ServerResponse, context: ServeContext, token: string, port: number, host: string): Promise<void> {
  // the dashboard's page: serve's Host, Origin and token rules, applied by the dashboard with its cookie session
  if (isDashboardPath(request.url ?? '/', DASHBOARD_BASE)) {
    return handleDashboard(request, response, { config: context.config, ledger: context.ledger, env: context.env, clock: context.clock, token, base: DASHBOARD_BASE, port: () => port, host });
  }
  const format = formatOf(request);
  const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  let authenticated = false;
  try {
    if (!hostAllowed(request.headers.host, port, host)) throw new ClientError(403, 'permission_error', `Host '${request.headers.host ?? ''}' is not this server; use 127.0.0.1:${port}`);
    if (!originAllowed(request.headers.origin)) throw new ClientError(403, 'permission_error', 'requests from web pages are refused');
    if (!tokenMatches(token, presentedToken(request.headers))) {
      throw new ClientError(401, 'authentication_error', 'missing or wrong portai token; see `portai serve --print-env claude` for the settings');
    }
    authenticated = true;
    const route = `${request.method} ${path}`;
    if (route === 'GET /v1/models') return sendJson(response, 200, modelList(context.config, context.ledger, context.env, context.clock()));
    if (request.method === 'GET' && path.startsWith('/v1/models/')) {
      return sendJson(response, 200, modelEntry(context.config, context.ledger, context.env, context.clock(), decodeURIComponent(path.slice('/v1/models/'.length))));
    }
    if (route === 'POST /v1/messages/count_tokens') {
      const body = await readJsonBody(request);
      // the same refusal as /v1/messages: a client must not learn that an unknown name "works"
      matchAlias(context.config, typeof body.model === 'string' ? body.model : undefined);
      return sendJson(response, 200, { input_tokens: estimateTokens(promptCharacters(body)) });
    }
    if (route === 'POST /v1/messages' || route === 'POST /v1/chat/completions' || route === 'POST /v1/responses') {
      let raw = await readJsonBody(request);
      // a Responses request becomes a chat request first, so it meets the chat edge below like any chat client
      const responses = route === 'POST /v1/responses' ? chatRequestFromResponses(raw) : undefined;
      if (responses) raw = responses.chat;
      // the allowlist first: nothing past this line can forward a field it does not name
      const { body, webSearch } = screenRequest(format, raw, context.config.serve.allow);
      if (!Array.isArray(body.messages)) throw new ClientError(400, 'invalid_request_error', 'messages: an array of messages is required');
      if (format === 'anthropic' && typeof body.max_tokens !== 'number') throw new ClientError(400, 'invalid_request_error', 'max_tokens: a number is required');
      const controller = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) controller.abort();
      });
      await proxy(context, {
        format,
        body,
        webSearch,
        clientHeaders: { anthropicVersion: headerText(request, 'anthropic-version'), anthropicBeta: headerText(request, 'anthropic-beta') },
        client: clientName(request.headers['user-agent']),
        response,
        signal: controller.signal,
        responses: responses?.echo,
      });
      return;
    }
    throw new ClientError(404, 'not_found_error', `no endpoint ${route}; portai serves POST /v1/messages, POST /v1/chat/completions, POST /v1/responses, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id}`);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    // an unauthenticated caller gets no kept-alive socket to try again on, nor to trickle a body into
    if (!authenticated) response.setHeader('connection', 'close');
    if (!response.writableEnded) sendError(response, format, error);
  }
}

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
