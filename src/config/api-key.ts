// The key of a provider entry, read from the environment at the moment it is needed.
// An empty variable counts as unset, so `FOO= portai …` behaves like no key at all.
import type { ResolvedProvider } from '../types.js';
import { rememberSecrets } from '../redact.js';

export function apiKeyOf(provider: ResolvedProvider, env: NodeJS.ProcessEnv): string | undefined {
  if (!provider.api_key_env) return undefined;
  const key = env[provider.api_key_env];
  if (!key || key.trim() === '') return undefined;
  rememberSecrets([key]); // a key read is a key every writer must redact
  return key;
}
