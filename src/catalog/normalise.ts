// Catalog bodies → rows. OpenRouter sends prices as strings in USD per TOKEN; portai stores USD per
// million tokens as numbers, like every price in presets and config. OpenCode Go sends an
// OpenAI-style model list without prices: those stay null (unknown, never zero).
import type { CatalogRow } from './types.js';

/** `{data: [...]}` → rows; undefined when the body is not a model list at all. */
export function normaliseCatalog(body: unknown): CatalogRow[] | undefined {
  const data = isRecord(body) ? body.data : undefined;
  if (!Array.isArray(data)) return undefined;
  const rows: CatalogRow[] = [];
  for (const entry of data) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') continue;
    const pricing = isRecord(entry.pricing) ? entry.pricing : {};
    rows.push({
      id: entry.id,
      prompt_price: perMillion(pricing.prompt),
      completion_price: perMillion(pricing.completion),
      context: positiveInteger(entry.context_length) ?? positiveInteger(entry.context_window),
      expiration: typeof entry.expiration_date === 'string' && entry.expiration_date !== '' ? entry.expiration_date : null,
      raw: entry,
    });
  }
  return rows;
}

/**
 * "0.00003" USD per token → 30 USD per million. A negative price is OpenRouter's "varies" marker
 * (its routers such as openrouter/auto say "-1"), so it counts as unknown.
 */
export function perMillion(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(number) || number < 0) return null;
  // 0.00003 * 1e6 is 30.000000000000004 in floating point; 12 significant digits is plenty for prices
  return Number((number * 1_000_000).toPrecision(12));
}

/** A free model: a `:free` variant or both prices zero — and no known price above zero (a re-priced `:free` id is not free). */
export function isFreeRow(row: CatalogRow): boolean {
  return !isPricedRow(row) && (row.id.endsWith(':free') || (row.prompt_price === 0 && row.completion_price === 0));
}

/** Some price is known and above zero. */
export function isPricedRow(row: CatalogRow): boolean {
  return (row.prompt_price ?? 0) > 0 || (row.completion_price ?? 0) > 0;
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
