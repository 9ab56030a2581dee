// One request to the dashboard, standalone (`portai dashboard`) or mounted by `portai serve` at /dashboard.
// Who may read it: serve's rules (auth.ts) — a loopback Host, no foreign Origin, the local token — plus two that a
// page a browser opens needs: only this server's own origin, and no request another site started (Sec-Fetch-Site).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostAllowed, originAllowed, ownOriginAllowed, presentedToken, tokenMatches } from '../serve/auth.js';
import { redact } from '../redact.js';
import { apiAnswer, ApiError, type DashboardContext } from './api.js';
import { presentedSession, sessionCookie, sessionValue } from './session.js';
import { staticFile } from './static-files.js';

export interface DashboardMount extends DashboardContext {
  token: string;
  /** '' standalone, '/dashboard' under serve */
  base: string;
  /** the port the server listens on (known once it listens) and the host it is bound to */
  port: () => number;
  host: string;
  /** how often the live-update stream looks at the ledger */
  pollMs?: number;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

/** Whether the path is the dashboard's (so serve hands it over). */
export function isDashboardPath(url: string, base: string): boolean {
  const path = new URL(url, 'http://localhost').pathname;
  return base === '' || path === base || path.startsWith(`${base}/`);
}

export async function handleDashboard(request: IncomingMessage, response: ServerResponse, mount: DashboardMount): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const api = url.pathname.startsWith(`${mount.base}/api/`);
  const refuse = (status: number, message: string) => {
    // an unauthenticated caller gets no kept-alive socket to try again on
    response.setHeader('connection', 'close');
    send(response, status, api ? 'json' : 'text', api ? { error: { message } } : `${message}\n`);
  };
  const port = mount.port();
  if (!hostAllowed(request.headers.host, port, mount.host)) return refuse(403, `Host '${request.headers.host ?? ''}' is not this server; use 127.0.0.1:${port}`);
  if (!originAllowed(request.headers.origin) || !ownOriginAllowed(request.headers.origin, port, mount.host)) return refuse(403, 'requests from other web pages are refused');
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(403, 'requests started by other web pages are refused');
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'the dashboard is read-only: only GET');

  const given = url.searchParams.get('token');
  if (given !== null) {
    if (!tokenMatches(mount.token, given)) return refuse(401, 'wrong portai token in the link; open the link `portai dashboard` prints');
    // trade the token for the cookie, and take it out of the address bar and the history
    url.searchParams.delete('token');
    response.writeHead(303, { ...SECURITY_HEADERS, location: `${url.pathname}${url.search}`, 'set-cookie': sessionCookie(mount.token, mount.base) });
    response.end();
    return;
  }
  const session = presentedSession(request.headers);
  const authorised = (session !== undefined && tokenMatches(sessionValue(mount.token), session)) || tokenMatches(mount.token, presentedToken(request.headers));
  if (!authorised) return refuse(401, 'not signed in: open the link `portai dashboard` prints (it carries the token once), or send Authorization: Bearer <token>');

  const local = url.pathname.slice(mount.base.length) || '/';
  if (local === '/' && mount.base !== '' && url.pathname === mount.base) {
    // relative links in the page need the trailing slash
    response.writeHead(308, { ...SECURITY_HEADERS, location: `${mount.base}/` });
    response.end();
    return;
  }
  if (local === '/api/events') return events(request, response, mount);
  if (local.startsWith('/api/')) {
    try {
      const answer = apiAnswer(mount, local.slice('/api/'.length), url.searchParams);
      if (answer === undefined) return send(response, 404, 'json', { error: { message: `no endpoint ${local}; see the README's Dashboard section` } });
      return send(response, 200, 'json', answer);
    } catch (error) {
      if (error instanceof ApiError) return send(response, error.status, 'json', { error: { message: error.message } });
      throw error;
    }
  }
  const file = staticFile(local);
  if (!file) return send(response, 404, 'text', `no page ${local}\n`);
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

function send(response: ServerResponse, status: number, kind: 'json' | 'text', body: unknown): void {
  // the ledger is redacted when written; this is the same boundary the CLI's stdout has
  const text = redact(kind === 'json' ? JSON.stringify(body) : String(body));
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': kind === 'json' ? 'application/json' : 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Server-sent events: `change` whenever anything commits to the ledger, so the page reads again at once. */
function events(request: IncomingMessage, response: ServerResponse, mount: DashboardMount): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
  let mark = mount.ledger.changeMark();
  response.write(`event: hello\ndata: ${mark}\n\n`);
  let beats = 0;
  const timer = setInterval(() => {
    const now = mount.ledger.changeMark();
    if (now !== mark) {
      mark = now;
      response.write(`event: change\ndata: ${mark}\n\n`);
    } else if (++beats % 15 === 0) response.write(': still here\n\n');
  }, mount.pollMs ?? 1000);
  const stop = () => clearInterval(timer);
  request.on('close', stop);
  response.on('close', stop);
}
