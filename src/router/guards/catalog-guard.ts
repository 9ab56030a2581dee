// The last `portai models sync` may have seen a configured model vanish, or a free one become priced.
import type { Guard } from './guard.js';
import { reject } from './guard.js';
import { formatUtc } from '../time.js';
import { configName } from '../config-name.js';

export const catalogGuard: Guard = (context) => {
  const status = context.catalog?.find((entry) => entry.provider === context.provider.name && entry.model === context.model.id);
  if (!status) return null;
  const since = formatUtc(status.synced_ms);
  const fix = `remove it from ${configName(context.config)}, or run \`portai models sync ${context.provider.name}\` if it is back`;
  if (status.gone) return reject(context, 'catalog', `gone from the provider's catalog since ${since}`, fix, null);
  if (status.priced && context.model.billing === 'free') return reject(context, 'catalog', `not free since ${since}`, fix, null);
  return null;
};
