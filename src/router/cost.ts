// Cost estimates in USD. Worst case per DESIGN.md: (prompt chars / 4 × input price + max output tokens
// × output price) / 1e6. Anything unknown gives null: an unknown cost is never reported as $0.
import type { ResolvedModel, StepTraits } from '../types.js';

export function promptTokens(traits: StepTraits): number {
  return Math.ceil(traits.prompt_chars / 4);
}

/** The step's max_output_tokens, else the model's own output limit; undefined when neither is known. */
export function maxOutputTokens(traits: StepTraits, model: ResolvedModel): number | undefined {
  return traits.max_output_tokens ?? model.max_output;
}

/** Worst case at the model's price, whatever its billing (USD windows count list price too). */
export function listWorstUsd(traits: StepTraits, model: ResolvedModel): number | null {
  const maxOutput = maxOutputTokens(traits, model);
  if (!model.price || maxOutput === undefined) return null;
  return ((traits.prompt_chars / 4) * model.price.input + maxOutput * model.price.output) / 1_000_000 + (traits.surcharge_usd ?? 0);
}

/** What the request may bill: its tokens when metered, plus any per-request surcharge (serve's web search). */
export function worstUsd(traits: StepTraits, model: ResolvedModel): number | null {
  return model.billing === 'metered' ? listWorstUsd(traits, model) : (traits.surcharge_usd ?? 0);
}

/** Expected bill: the prompt plus half the max output. */
export function expectedUsd(traits: StepTraits, model: ResolvedModel): number | null {
  if (model.billing !== 'metered') return 0;
  const maxOutput = maxOutputTokens(traits, model);
  if (!model.price || maxOutput === undefined) return null;
  return ((traits.prompt_chars / 4) * model.price.input + (maxOutput / 2) * model.price.output) / 1_000_000;
}

export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  if (usd > 0 && usd < 0.0001) return '<$0.0001';
  return `$${usd.toFixed(4)}`;
}
