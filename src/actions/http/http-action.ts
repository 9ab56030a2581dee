// The http step: one request over undici, the response body (JSON when it is JSON) as the step output.
// The output never echoes the request's headers: they may carry a secret from env.
import { getGlobalDispatcher, interceptors, request } from 'undici';
import { RunFailedError } from '../../errors.js';
import { readHttpSpec, type HttpRequestSpec } from './http-spec.js';
import { BODY_CAP_BYTES, readCappedBody } from './read-body.js';

export interface HttpActionOptions {
  signal?: AbortSignal;
}

const EXCERPT_CHARS = 200;
// undici's redirect handler drops Authorization and Cookie when a redirect leaves the origin
const dispatcher = getGlobalDispatcher().compose(interceptors.redirect({ maxRedirections: 5 }));

export async function runHttpAction(spec: Record<string, unknown>, options: HttpActionOptions = {}): Promise<unknown> {
  const http = readHttpSpec(spec);
  // the query string may hold a key, so messages show only origin and path
  const shown = `${http.method} ${http.url.origin}${http.url.pathname}`;
  const timeout = AbortSignal.timeout(http.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await request(http.url, { method: http.method as never, headers: http.headers, body: http.body, signal, dispatcher });
    const contentType = String(response.headers['content-type'] ?? '');
    const body = await readCappedBody(response.body, contentType);
    if (!isExpected(response.statusCode, http)) {
      throw new RunFailedError(`http ${shown} returned HTTP ${response.statusCode}: ${excerpt(body.text)}`, {
        place: { field: 'http.url' },
        hint: http.expect ? `the step expects ${http.expect.join(', ')}; add this status to expect: if it is fine` : 'check the URL, the headers and the service',
      });
    }
    if (body.truncated) return `${body.text}\n[portai: response truncated: it was larger than ${BODY_CAP_BYTES} bytes]`;
    return parseBody(body.text, contentType);
  } catch (error) {
    if (error instanceof RunFailedError) throw error;
    if (timeout.aborted) {
      throw new RunFailedError(`http ${shown}: no complete answer within ${http.timeoutMs} ms`, {
        place: { field: 'http.timeout' },
        hint: 'raise timeout: (milliseconds) or check the service',
      });
    }
    if (options.signal?.aborted) throw error;
    throw new RunFailedError(`http ${shown}: cannot reach ${http.url.host} (${reasonOf(error)})`, {
      place: { field: 'http.url' },
      hint: 'check the URL and the network',
    });
  }
}

function isExpected(status: number, http: HttpRequestSpec): boolean {
  return http.expect ? http.expect.includes(status) : status >= 200 && status < 300;
}

/** JSON when the server says so, or when an untyped/text body parses as an object or array. */
function parseBody(text: string, contentType: string): unknown {
  const saysJson = /[/+]json\b/i.test(contentType);
  const looksJson = /^\s*[[{]/.test(text) && (contentType === '' || /^text\/plain/i.test(contentType));
  if (saysJson || looksJson) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string } }).cause;
  return code ?? cause?.code ?? (error as Error).message ?? String(error);
}
