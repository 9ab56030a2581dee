// Endpoints pointing at a fake provider, for wire tests.
import type { Endpoint, ErrorRule, ProviderFamily, AuthScheme, Timeouts } from '../../src/types.js';

export const TEST_KEY = 'sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

export interface TestEndpointOptions {
  family?: ProviderFamily;
  /** appended to the fake's origin, e.g. /api/v1 */
  path?: string;
  auth?: AuthScheme;
  api_key?: string;
  headers?: Record<string, string>;
  errors?: ErrorRule[];
  timeouts?: Partial<Timeouts>;
}

export function testEndpoint(origin: string, options: TestEndpointOptions = {}): Endpoint {
  return {
    provider: options.family ?? 'generic',
    family: options.family ?? 'generic',
    base_url: `${origin}${options.path ?? '/api/v1'}`,
    api_key: 'api_key' in options ? options.api_key : TEST_KEY,
    auth: options.auth ?? 'bearer',
    headers: options.headers ?? {},
    errors: options.errors ?? [],
    timeouts: { connect_ms: 2_000, first_byte_ms: 5_000, idle_ms: 5_000, ...options.timeouts },
  };
}
