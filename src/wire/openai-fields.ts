// Fields of an openai-chat answer that both the JSON and the SSE reader need.
import type { ChatResponse } from '../types.js';
import { isObject } from './error-body.js';

/** Content is a string, or (some servers) an array of parts; null when the model said nothing. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
  return '';
}

export function usageOf(usage: unknown): Pick<ChatResponse, 'input_tokens' | 'output_tokens' | 'cost_usd'> {
  if (!isObject(usage)) return {};
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return { input_tokens: number(usage.prompt_tokens), output_tokens: number(usage.completion_tokens), cost_usd: number(usage.cost) };
}

/** A stream's usage chunk over what is known so far: only the numbers it reports replace earlier ones. */
export function mergeUsage(target: Pick<ChatResponse, 'input_tokens' | 'output_tokens' | 'cost_usd'>, usage: unknown): void {
  for (const [name, value] of Object.entries(usageOf(usage))) if (value !== undefined) target[name as keyof typeof target] = value;
}
