// The headers of one request: the preset's own, then content negotiation, then auth.
// The key is only ever placed in the auth header of its own endpoint.
import type { Endpoint } from '../types.js';

export function requestHeaders(endpoint: Endpoint, stream: boolean, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    ...endpoint.headers,
    ...extra,
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'user-agent': 'portai/0.1',
  };
  if (endpoint.api_key) {
    if (endpoint.auth === 'bearer') headers.authorization = `Bearer ${endpoint.api_key}`;
    else if (endpoint.auth === 'x-api-key') headers['x-api-key'] = endpoint.api_key;
  }
  return headers;
}
