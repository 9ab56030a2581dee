// The http step: one request over undici, the response body (JSON when it is JSON) as the step output.
// The output never echoes the request's headers: they may carry a secret from env.
import { getGlobalDispatcher, interceptors, request } from 'undici';
import { RunFailedError } from '../../errors.js';
import { idempotencyKeyOf, readHttpSpec, retrySettingsOf, type HttpRequestSpec } from './http-spec.js';
import { BODY_CAP_BYTES, readCappedBody } from './read-body.js';

export interface HttpActionOptions {
  signal?: AbortSignal;
  /** the run's key for this step (stable per run and step), used when the step does not set its own */
  defaultKey?: string;
  /** called before every request leaves, with the key it carries: the ledger records `sending` here */
  onSend?: (key: string | null) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** A failed http step. `mayHaveArrived`: no answer came back, so the receiver may have acted on the request. */
export class HttpStepError extends RunFailedError {
  readonly retryable: boolean = false;

  constructor(message: string, options: ConstructorParameters<typeof RunFailedError>[1], readonly mayHaveArrived: boolean) {
    super(message, options);
  }
}

const EXCERPT_CHARS = 200;
// doubling from delay_ms, but a step never sleeps longer than this between two tries
const MAX_RETRY_DELAY_MS = 30_000;
// a busy or restarting receiver; any other status is its answer, and sending again would not change it
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
// undici's redirect handler drops Authorization and Cookie when a redirect leaves the origin
const dispatcher = getGlobalDispatcher().compose(interceptors.redirect({ maxRedirections: 5 }));

export async function runHttpAction(spec: Record<string, unknown>, options: HttpActionOptions = {}): Promise<unknown> {
  const http = readHttpSpec(spec);
  const key = idempotencyKeyOf(http, options.defaultKey ?? '');
  if (key) http.headers['idempotency-key'] = key;
  const retry = retrySettingsOf(http, key);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      options.onSend?.(key);
      return await sendOnce(http, options.signal);
    } catch (error) {
      // every retry carries the same key, so a receiver that got the first copy can recognise this one
      if (!(error instanceof HttpStepError) || !error.retryable || attempt >= retry.times || options.signal?.aborted) throw error;
      await sleep(Math.min(MAX_RETRY_DELAY_MS, retry.delayMs * 2 ** attempt));
    }
  }
}

class RetryableHttpStepError extends HttpStepError {
  override readonly retryable = true;
}

async function sendOnce(http: HttpRequestSpec, outer?: AbortSignal): Promise<unknown> {
  // the query string may hold a key, so messages show only origin and path
  const shown = `${http.method} ${http.url.origin}${http.url.pathname}`;
  const timeout = AbortSignal.timeout(http.timeoutMs);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  try {
    const response = await request(http.url, { method: http.method as never, headers: http.headers, body: http.body, signal, dispatcher });
    const contentType = String(response.headers['content-type'] ?? '');
    const body = await readCappedBody(response.body, contentType);
    if (!isExpected(response.statusCode, http)) {
      const Failure = RETRYABLE_STATUSES.has(response.statusCode) ? RetryableHttpStepError : HttpStepError;
      throw new Failure(`http ${shown} returned HTTP ${response.statusCode}: ${excerpt(body.text)}`, {
        place: { field: 'http.url' },
        hint: http.expect ? `the step expects ${http.expect.join(', ')}; add this status to expect: if it is fine` : 'check the URL, the headers and the service',
      }, false);
    }
    if (body.truncated) return `${body.text}\n[portai: response truncated: it was larger than ${BODY_CAP_BYTES} bytes]`;
    return parseBody(body.text, contentType);
  } catch (error) {
    if (error instanceof RunFailedError) throw error;
    if (timeout.aborted) {
      throw new RetryableHttpStepError(`http ${shown}: no complete answer within ${http.timeoutMs} ms`, {
        place: { field: 'http.timeout' },
        hint: 'raise timeout: (milliseconds) or check the service',
      }, true);
    }
    if (outer?.aborted) throw error;
    const reason = reasonOf(error);
    // refused: nothing was received; any other drop may have come after the receiver read the request
    throw new RetryableHttpStepError(`http ${shown}: cannot reach ${http.url.host} (${reason})`, {
      place: { field: 'http.url' },
      hint: 'check the URL and the network',
    }, reason !== 'ECONNREFUSED' && reason !== 'ENOTFOUND');
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
