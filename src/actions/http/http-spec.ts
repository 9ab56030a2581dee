// The `http` block of a step, checked and turned into one concrete request.
import { BadInputError } from '../../errors.js';

export interface HttpRequestSpec {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** statuses that count as success; undefined = any 2xx */
  expect?: number[];
  timeoutMs: number;
  /** as written: true, false, a rendered key, or undefined (then on for POST and PATCH) */
  idempotency?: boolean | string;
  /** retries after a timeout, a 5xx or a dropped connection; undefined = the default for the step's key */
  retry?: { times: number; delayMs: number };
}

export interface RetrySettings {
  times: number;
  delayMs: number;
}

const DEFAULT_RETRY_DELAY_MS = 500;
/** with a key a copy is harmless, so a failed send is tried again; without one it is not (DESIGN.md) */
const DEFAULT_RETRIES_WITH_KEY = 2;

export const DEFAULT_TIMEOUT_MS = 30_000;
const KNOWN_FIELDS = ['method', 'url', 'headers', 'query', 'json', 'body', 'expect', 'timeout', 'idempotency_key', 'retry'];

export function readHttpSpec(spec: Record<string, unknown>): HttpRequestSpec {
  for (const key of Object.keys(spec)) {
    if (!KNOWN_FIELDS.includes(key)) throw bad(key, `unknown field '${key}'`, `an http step takes: ${KNOWN_FIELDS.join(', ')}`);
  }
  const method = String(spec.method ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw bad('method', `'${spec.method}' is not an HTTP method`, 'use GET, POST, PUT, PATCH or DELETE');
  const url = readUrl(spec.url);
  for (const [name, value] of Object.entries(readMap(spec.query, 'query'))) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) url.searchParams.append(name, scalar(item, `query.${name}`));
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(readMap(spec.headers, 'headers'))) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = scalar(value, `headers.${name}`);
  }
  const body = readBody(spec, headers);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw bad(spec.json !== undefined ? 'json' : 'body', `a ${method} request cannot carry a body`, 'use method: POST (or PUT, PATCH), or move the values to query:');
  }
  return { method, url, headers, body, expect: readExpect(spec.expect), timeoutMs: readTimeout(spec.timeout), idempotency: readIdempotency(spec.idempotency_key), retry: readRetry(spec.retry) };
}

/**
 * The Idempotency-Key the request carries, or null for none. `fallback` is the run's own key for this step
 * (stable per run and step). A key the user put in headers: is the key.
 */
export function idempotencyKeyOf(http: HttpRequestSpec, fallback: string): string | null {
  if (http.headers['idempotency-key']) return http.headers['idempotency-key'];
  if (http.idempotency === false) return null;
  if (typeof http.idempotency === 'string') return http.idempotency;
  if (http.idempotency === true || http.method === 'POST' || http.method === 'PATCH') return fallback;
  return null;
}

export function retrySettingsOf(http: HttpRequestSpec, key: string | null): RetrySettings {
  return http.retry ?? { times: key ? DEFAULT_RETRIES_WITH_KEY : 0, delayMs: DEFAULT_RETRY_DELAY_MS };
}

function readIdempotency(value: unknown): boolean | string | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw bad('idempotency_key', `idempotency_key must be true, false or a template, got ${JSON.stringify(value)}`, 'e.g. idempotency_key: "{{n}}-{{today}}", or false to send none');
}

function readRetry(value: unknown): { times: number; delayMs: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const object = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { times: value };
  const times = Number(object.times);
  const delayMs = object.delay_ms === undefined ? DEFAULT_RETRY_DELAY_MS : Number(object.delay_ms);
  if (!Number.isInteger(times) || times < 0 || times > 10 || !Number.isFinite(delayMs) || delayMs < 0) {
    throw bad('retry', `retry must be a count from 0 to 10 or { times, delay_ms }, got ${JSON.stringify(value)}`, 'e.g. retry: 2, or retry: { times: 3, delay_ms: 1000 }');
  }
  return { times, delayMs };
}

function readUrl(value: unknown): URL {
  if (typeof value !== 'string' || value === '') throw bad('url', 'url is missing', 'add url: https://…');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('url', `'${value.slice(0, 100)}' is not a URL`, 'give an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw bad('url', `only http and https URLs are allowed, not ${url.protocol}`, 'give an http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw bad('url', 'the URL carries a user name or password', 'send credentials in headers: (e.g. Authorization) from a declared env variable');
  }
  return url;
}

function readBody(spec: Record<string, unknown>, headers: Record<string, string>): string | undefined {
  if (spec.json !== undefined && spec.body !== undefined) throw bad('json', 'give either json or body, not both', 'remove one of them');
  if (spec.body !== undefined) {
    if (typeof spec.body !== 'string') throw bad('body', 'body must be a string', 'use json: for structured data');
    return spec.body;
  }
  if (spec.json === undefined) return undefined;
  let value = spec.json;
  // `json: "{{json steps.x}}"` renders to a string: it is JSON text, send the value it holds
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw bad('json', 'json is a string that is not JSON', 'write json: as a mapping, or render it with "{{json …}}"');
    }
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(value);
}

function readExpect(value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const statuses = (Array.isArray(value) ? value : [value]).map(Number);
  if (statuses.length === 0 || statuses.some((status) => !Number.isInteger(status) || status < 100 || status > 599)) {
    throw bad('expect', `expect must be HTTP status codes, got ${JSON.stringify(value)}`, 'e.g. expect: [200, 201]');
  }
  return statuses;
}

function readTimeout(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_TIMEOUT_MS;
  const milliseconds = Number(value);
  if (!Number.isFinite(milliseconds) || milliseconds <= 0) throw bad('timeout', `timeout must be a positive number of milliseconds, got ${JSON.stringify(value)}`, 'e.g. timeout: 10000');
  return milliseconds;
}

function readMap(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(field, `${field} must be a mapping of names to values`, `e.g. ${field}: { name: value }`);
  return value as Record<string, unknown>;
}

function scalar(value: unknown, field: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw bad(field, `${field} must be a string, number or boolean`, 'render objects with "{{json …}}"');
}

function bad(field: string, message: string, hint: string): BadInputError {
  return new BadInputError(message, { place: { field: `http.${field}` }, hint });
}
