// Who may talk to `portai serve`: holders of the local token, through a loopback Host, from no foreign web page.
// The token stops other local users and programs; the Host/Origin checks stop DNS rebinding from a browser tab.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';

export const TOKEN_FILE = 'serve-token';

/** The token in $PORTAI_HOME/serve-token, created (mode 0600) on first start. */
export function loadOrCreateToken(home: string): string {
  const file = path.join(home, TOKEN_FILE);
  if (fs.existsSync(file)) {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const token = `portai-${randomBytes(32).toString('base64url')}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return token;
}

/** The token the client sent: `Authorization: Bearer …` (OpenAI SDK, Claude Code's ANTHROPIC_AUTH_TOKEN) or `x-api-key` (Anthropic SDK). */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey.trim() : undefined;
}

/** Constant-time comparison; hashing first makes both sides the same length without leaking the real one. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** A rebinding attack arrives with the attacker's name in Host; only loopback names (or the explicitly bound host) pass. */
export function hostAllowed(host: string | undefined, port: number, boundHost: string): boolean {
  if (!host) return false;
  const allowed = new Set([...LOOPBACK_NAMES].map((name) => `${name}:${port}`));
  if (!LOOPBACK_NAMES.has(boundHost)) allowed.add(`${boundHost}:${port}`);
  return allowed.has(host.toLowerCase());
}

/** Browsers send Origin on cross-site requests; agents send none. Anything but a loopback page is refused. */
export function originAllowed(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return LOOPBACK_NAMES.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host);
}

/**
 * Stricter, for the dashboard, whose page a browser opens: a loopback page on another port (another local web app)
 * is same-site to a cookie, so only this server's own origin passes.
 */
export function ownOriginAllowed(origin: string | undefined, port: number, boundHost: string): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && hostAllowed(url.host, port, boundHost);
  } catch {
    return false;
  }
}
