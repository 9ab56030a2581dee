// A provider that needs a key is skipped when its variable is empty; --dry-run sends nothing, so it needs none.
import type { Guard } from './guard.js';
import { reject } from './guard.js';

export const keyGuard: Guard = (context) => {
  const variable = context.provider.api_key_env;
  if (!variable || context.ignoreKeys) return null;
  const value = context.env?.[variable];
  if (value !== undefined && value.trim() !== '') return null;
  return reject(context, 'key', `key not set (${variable})`, `export ${variable}=…`, null);
};
