// Failures below HTTP: timeouts, refused connections, sockets dropped mid-body, cancellation.
// Messages name the origin only, never the URL's path or a header.
import type { Endpoint } from '../types.js';
import { ProviderError } from '../errors.js';
import { originOf } from './map-error.js';

// Failures that happen before a connection exists or before its TLS handshake completed, so no byte of the HTTP
// request was written: the provider never saw it. Anything else (a reset or hang-up after connecting, a timeout
// waiting for the answer, a cancellation) may have reached the server and counts, as the provider counts it.
const NEVER_SENT: ReadonlySet<string> = new Set([
  'ENOTFOUND', // DNS: no such host
  'EAI_AGAIN', // DNS: resolver unreachable (offline)
  'EAI_FAIL',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT', // undici's connect timeout covers the TCP connect and the TLS handshake
  // the certificate is checked during the handshake, before the request is written
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** phase: 'request' until the status line arrived, 'body' while reading the answer. */
export function mapTransportError(endpoint: Endpoint, error: unknown, phase: 'request' | 'body'): ProviderError {
  if (error instanceof ProviderError) return error;
  const origin = originOf(endpoint);
  const code = codeOf(error);
  const base = { provider: endpoint.provider, code, reached: !(phase === 'request' && code !== undefined && NEVER_SENT.has(code)) };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new ProviderError({ ...base, kind: 'timeout', message: `no answer from ${origin} within ${seconds(endpoint.timeouts.first_byte_ms)}` });
    case 'UND_ERR_BODY_TIMEOUT':
      return new ProviderError({ ...base, kind: 'timeout', message: `${origin} stopped sending for ${seconds(endpoint.timeouts.idle_ms)}` });
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ProviderError({ ...base, kind: 'timeout', message: `cannot reach ${origin}: no connection within ${seconds(endpoint.timeouts.connect_ms)}` });
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return new ProviderError({ ...base, kind: 'network', retryable: false, message: `the request to ${origin} was cancelled` });
  }
  if (phase === 'body') {
    return new ProviderError({ ...base, kind: 'bad_response', retryable: true, message: `the answer from ${origin} was cut off (${code ?? 'connection closed'})` });
  }
  return new ProviderError({ ...base, kind: 'network', message: `cannot reach ${origin} (${code ?? 'connection failed'})`, hint: 'check the base URL and your network' });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
  if (record.name === 'AbortError') return 'ABORT_ERR';
  if (typeof record.code === 'string') return record.code;
  if (Array.isArray(record.errors) && record.errors.length > 0) return codeOf(record.errors[0]);
  return record.cause ? codeOf(record.cause) : undefined;
}
