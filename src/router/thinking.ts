// Thinking mode costs time and quota; only high-effort steps ask for it.
import type { Effort, ModelFacts } from '../types.js';

export function thinkingFor(effort: Effort, model: Pick<ModelFacts, 'thinking'>): ModelFacts['thinking'] | undefined {
  return effort === 'high' ? model.thinking : undefined;
}
