// A free or subscription model once reported a cost: that provider entry stays blocked until the user clears it.
import type { Guard } from './guard.js';
import { reject } from './guard.js';
import { isActive } from './health-guard.js';

export const costAlarmGuard: Guard = (context) => {
  const alarm = context.blocks.find(
    (block) => block.kind === 'cost_alarm' && block.provider === context.provider.name && isActive(block, context.snapshot.now_ms),
  );
  if (!alarm) return null;
  return reject(context, 'cost_alarm', `cost alarm: ${alarm.reason}`, `portai providers unblock ${context.provider.name}`, null);
};
