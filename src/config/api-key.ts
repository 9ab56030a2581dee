// The key of a provider entry, read from the environment at the moment it is needed.
// An empty variable counts as unset, so `FOO= portai …` behaves like no key at all.
import type { ResolvedProvider } from '../types.js';
import { BadInputError } from '../errors.js';
import { rememberSecrets } from '../redact.js';

/** What an Authorization header can carry: visible ASCII, no spaces (a pasted placeholder like `sk-or-…` is not). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

export function apiKeyOf(provider: ResolvedProvider, env: NodeJS.ProcessEnv): string | undefined {
  if (!provider.api_key_env) return undefined;
  const key = env[provider.api_key_env];
  if (!key || key.trim() === '') return undefined;
  rememberSecrets([key]); // a key read is a key every writer must redact
  if (!HEADER_SAFE.test(key)) {
    throw new BadInputError(`${provider.api_key_env} (the key of provider ${provider.name}) holds a space or a character an HTTP header cannot carry, such as '…'`, {
      hint: `set it to the key itself, copied from the provider's console: export ${provider.api_key_env}=<your key>`,
    });
  }
  return key;
}
