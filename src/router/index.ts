// The router: rules → plan of candidates, guards as pure functions, and retry/fallback decisions.
export { matchRule, ruleText } from './match-rule.js';
export { expandRefs, splitRef, candidateFacts, isModelPattern, modelPatternsOf } from './expand-refs.js';
export type { ExpandedRef } from './expand-refs.js';
export { plan, admit } from './plan.js';
export { rankCandidates, evidenceLine } from './rank.js';
export type { PlanInput } from './plan.js';
export { nextMove, blockFor, costAlarm, backoffMs } from './decide.js';
export type { Move, MoveOptions } from './decide.js';
export { formatPlan, blockedSummary, rejectionLine } from './format-plan.js';
export { thinkingFor } from './thinking.js';
export { worstUsd, listWorstUsd, expectedUsd, promptTokens, formatUsd } from './cost.js';
export { nextUtcMidnight, formatUtc } from './time.js';
export { rollingMarginMs, DEFAULT_MARGIN_SECONDS } from './rolling-margin.js';
export { globToRegExp, matchesGlob } from './glob.js';
export * from './guards/index.js';
