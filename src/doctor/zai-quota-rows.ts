// The rows of Z.AI's quota endpoint (GET /api/monitor/usage/quota/limit, undocumented; used by Z.AI's own
// glm-plan-usage plugin, https://docs.z.ai/devpack/extension/usage-query-plugin). Two shapes are in the wild:
// - until mid-2026: TOKENS_LIMIT rows (tokens per 5 h, unit 3 number 5; a weekly one, unit 6, since Feb 2026) and a
//   TIME_LIMIT row (MCP tool calls per month, unit 5), e.g. https://github.com/robinebers/openusage/issues/242 and
//   https://github.com/uppinote20/claude-dashboard/issues/14 (currentValue is a token count, not a fraction);
// - since Aug 2026 on credit-based plans: CREDIT_LIMIT rows, 5 h and weekly, `usage` the allowance and
//   `currentValue` the credits used, e.g. https://github.com/getpaseo/paseo/issues/5057 and
//   https://github.com/steipete/CodexBar/issues/2724.
// Anything else is kept as an unknown row, never a crash.

export interface QuotaRow {
  /** what the row counts */
  counts: 'credits' | 'tokens' | 'MCP tool calls';
  /** e.g. "5 hours", "week"; undefined when the unit is unknown */
  window?: string;
  /** the window's length in hours (a month as 744), to match it with a preset's window; undefined when unknown */
  hours?: number;
  used?: number;
  limit?: number;
  percent?: number;
  reset_ms?: number;
}

export interface ZaiQuota {
  level?: string;
  rows: QuotaRow[];
  /** rows portai does not know, as short text */
  unknown: string[];
}

const COUNTS: Record<string, QuotaRow['counts']> = { CREDIT_LIMIT: 'credits', TOKENS_LIMIT: 'tokens', TIME_LIMIT: 'MCP tool calls' };
// unit codes as trackers decoded them from nextResetTime (Z.AI does not document them): 3 hours, 5 months, 6 weeks
const UNITS: Record<number, string> = { 1: 'day', 3: 'hour', 5: 'month', 6: 'week' };

/** undefined when the body has no list of limits at all */
export function parseZaiQuota(body: unknown): ZaiQuota | undefined {
  const data = (isRecord(body) ? body.data : undefined) as unknown;
  // data is {level, limits: [...]}; one report (BigModel, Javis603/token-monitor#310) shows the list as data itself
  const list = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.limits) ? data.limits : undefined;
  if (!list) return undefined;
  const quota: ZaiQuota = { level: isRecord(data) && typeof data.level === 'string' ? data.level : undefined, rows: [], unknown: [] };
  for (const entry of list) {
    const counts = isRecord(entry) && typeof entry.type === 'string' ? COUNTS[entry.type] : undefined;
    if (!isRecord(entry) || !counts) {
      quota.unknown.push(JSON.stringify(entry)?.slice(0, 120) ?? String(entry));
      continue;
    }
    const used = numberOr(entry.currentValue);
    const remaining = numberOr(entry.remaining);
    quota.rows.push({
      counts,
      window: windowOf(entry.unit, entry.number),
      hours: hoursOf(entry.unit, entry.number),
      used,
      // CREDIT_LIMIT and TIME_LIMIT rows carry the allowance as `usage`; older TOKENS_LIMIT rows only used + remaining
      limit: numberOr(entry.usage) ?? (used !== undefined && remaining !== undefined ? used + remaining : undefined),
      percent: numberOr(entry.percentage),
      reset_ms: numberOr(entry.nextResetTime),
    });
  }
  return quota;
}

function windowOf(unit: unknown, number: unknown): string | undefined {
  const name = typeof unit === 'number' ? UNITS[unit] : undefined;
  if (!name) return undefined;
  return typeof number === 'number' && number !== 1 ? `${number} ${name}s` : name;
}

const UNIT_HOURS: Record<number, number> = { 1: 24, 3: 1, 5: 744, 6: 168 };

function hoursOf(unit: unknown, number: unknown): number | undefined {
  const hours = typeof unit === 'number' ? UNIT_HOURS[unit] : undefined;
  if (hours === undefined) return undefined;
  return hours * (typeof number === 'number' && number > 0 ? number : 1);
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
