// The prompt plus the output it may produce must fit the model's context window; unknown context passes.
import type { Guard } from './guard.js';
import { reject } from './guard.js';
import { maxOutputTokens, promptTokens } from '../cost.js';

export const contextGuard: Guard = (context) => {
  const window = context.model.context;
  if (window === undefined) return null;
  const prompt = promptTokens(context.traits);
  const output = maxOutputTokens(context.traits, context.model) ?? 0;
  if (prompt + output <= window) return null;
  const withOutput = output > 0 ? ` + ${output} max output` : '';
  return reject(context, 'context', `prompt ~${prompt} tokens${withOutput} > context ${window}`, 'shorten the prompt, lower max_output_tokens, or route to a model with a larger context', null);
};
