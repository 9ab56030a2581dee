// The dashboard's session: the serve token arrives once in the URL and is traded for a cookie that only this
// server reads (HttpOnly: no script sees it; SameSite=Strict: no other site's page sends it). The cookie holds a
// value derived from the token, not the token, so it cannot be replayed against serve's /v1 endpoints.
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const COOKIE_NAME = 'portai_dashboard';

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('portai dashboard session').digest('base64url');
}

export function sessionCookie(token: string, base: string): string {
  return `${COOKIE_NAME}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=${base === '' ? '/' : base}`;
}

export function presentedSession(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE_NAME) return value.join('=');
  }
  return undefined;
}
