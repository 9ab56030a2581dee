// Active health blocks from the ledger (a gone model, an exhausted quota, a paused provider).
// Cost alarms are the cost_alarm guard's: they need the user, not time.
import type { HealthBlock } from '../../types.js';
import type { Guard, GuardContext } from './guard.js';
import { reject } from './guard.js';
import { formatUtc, waitUntil } from '../time.js';

export const healthGuard: Guard = (context) => {
  const active = context.blocks.filter((block) => block.kind !== 'cost_alarm' && isActive(block, context.snapshot.now_ms) && covers(block, context));
  if (active.length === 0) return null;
  // the block that lasts longest decides when the candidate is free again
  const longest = active.reduce((best, block) => (lastsLonger(block, best) ? block : best));
  if (longest.until_ms === null && longest.kind === 'model_gone') {
    return reject(context, 'health', `${longest.reason} (until the next catalog sync)`, `portai models sync ${context.provider.name}`, null);
  }
  if (longest.until_ms === null) {
    return reject(context, 'health', longest.reason, `portai providers unblock ${context.provider.name}`, null);
  }
  return reject(context, 'health', `${longest.reason} (until ${formatUtc(longest.until_ms)})`, waitUntil(longest.until_ms), longest.until_ms);
};

export function isActive(block: HealthBlock, now_ms: number): boolean {
  return block.until_ms === null || block.until_ms > now_ms;
}

function covers(block: HealthBlock, context: GuardContext): boolean {
  if (block.provider !== context.provider.name) return false;
  if (block.scope === 'model') return block.model === context.model.id;
  if (block.scope === 'free_pool') return context.model.billing === 'free';
  return true;
}

function lastsLonger(block: HealthBlock, than: HealthBlock): boolean {
  if (than.until_ms === null) return false;
  return block.until_ms === null || block.until_ms > than.until_ms;
}
