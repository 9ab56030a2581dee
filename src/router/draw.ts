// What one request draws from a provider's windows at a given instant: its weight in request windows and its
// credits in credit windows. Both can depend on the time of day in the provider's time zone (Z.AI's peak hours).
// Without peak_hours the peak (standard) rate applies: an unknown schedule never counts a request as cheaper.
import type { Limits, ModelFacts, PeakHours, StepTraits, Weekday } from '../types.js';
import { maxOutputTokens } from './cost.js';
import { zonedParts } from './zoned-time.js';

const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function isPeak(peak: PeakHours | undefined, at_ms: number): boolean {
  if (!peak) return true;
  const local = zonedParts(at_ms, peak.timezone);
  if (peak.days && !peak.days.includes(DAYS[local.weekday])) return false;
  const minutes = local.hour * 60 + local.minute;
  return minutes >= toMinutes(peak.from) && minutes < toMinutes(peak.to);
}

/** How many requests this one counts as in request windows, at this instant. */
export function requestWeight(model: Pick<ModelFacts, 'quota_weight'>, limits: Limits, at_ms: number): number {
  const weight = model.quota_weight;
  if (weight === undefined) return 1;
  if (typeof weight === 'number') return weight;
  return isPeak(limits.peak_hours, at_ms) ? weight.peak : weight.off_peak;
}

/** Credits per million tokens at this instant; null when the model states no credit rate. */
export function creditRateAt(model: Pick<ModelFacts, 'credits'>, limits: Limits, at_ms: number): { input: number; output: number } | null {
  if (!model.credits) return null;
  const factor = isPeak(limits.peak_hours, at_ms) ? 1 : (model.credits.off_peak ?? 1);
  return { input: model.credits.input * factor, output: model.credits.output * factor };
}

/** Credits a request drew, from its reported tokens; null when the rate is unknown. */
export function creditsFor(model: Pick<ModelFacts, 'credits'>, limits: Limits, inputTokens: number, outputTokens: number, at_ms: number): number | null {
  const rate = creditRateAt(model, limits, at_ms);
  if (!rate) return null;
  return (inputTokens * rate.input + outputTokens * rate.output) / 1_000_000;
}

/** The most a request may draw (prompt chars / 4 in, the max output out), as the worst-case USD estimate. */
export function worstCredits(traits: StepTraits, model: ModelFacts & { max_output?: number }, limits: Limits, at_ms: number): number | null {
  const rate = creditRateAt(model, limits, at_ms);
  const maxOutput = maxOutputTokens(traits, model as Parameters<typeof maxOutputTokens>[1]);
  if (!rate || maxOutput === undefined) return null;
  return ((traits.prompt_chars / 4) * rate.input + maxOutput * rate.output) / 1_000_000;
}

function toMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}
