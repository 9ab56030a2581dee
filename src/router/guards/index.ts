// The guards in their fixed order: cheap, permanent reasons first, usage-dependent ones last.
import type { Rejection } from '../../types.js';
import type { Guard, GuardContext } from './guard.js';
import { keyGuard } from './key-guard.js';
import { privacyGuard } from './privacy-guard.js';
import { contextGuard } from './context-guard.js';
import { catalogGuard } from './catalog-guard.js';
import { healthGuard } from './health-guard.js';
import { costAlarmGuard } from './cost-alarm-guard.js';
import { spendGuard } from './spend-guard.js';
import { quotaGuard } from './quota-guard.js';
import { qualityGuard } from './quality-guard.js';

export type { Guard, GuardContext, RoutingInput } from './guard.js';
export { keyGuard, privacyGuard, contextGuard, catalogGuard, healthGuard, costAlarmGuard, spendGuard, quotaGuard, qualityGuard };
export { withEvidence } from './quality-guard.js';

export const PLAN_GUARDS: readonly Guard[] = [keyGuard, privacyGuard, contextGuard, catalogGuard, healthGuard, costAlarmGuard, spendGuard, quotaGuard, qualityGuard];

/** What can change between planning and sending: checked again with a fresh snapshot inside the ledger's transaction. */
export const ADMIT_GUARDS: readonly Guard[] = [healthGuard, costAlarmGuard, spendGuard, quotaGuard];

export function firstRejection(guards: readonly Guard[], context: GuardContext): Rejection | null {
  for (const guard of guards) {
    const rejection = guard(context);
    if (rejection) return rejection;
  }
  return null;
}
