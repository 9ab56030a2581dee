// Anthropic extended thinking: budget_tokens must be at least 1024 and below max_tokens. max_tokens is
// never raised: the spend guard priced the request with it, so a limit too small for thinking turns thinking off.
import type { ChatRequest } from '../types.js';

const MIN_BUDGET = 1024;
export const DEFAULT_MAX_TOKENS = 4096;

export interface AnthropicLimits {
  max_tokens: number;
  thinking?: { type: 'enabled'; budget_tokens: number };
}

export function anthropicLimits(request: ChatRequest, family: string): AnthropicLimits {
  const maxTokens = request.max_output_tokens ?? DEFAULT_MAX_TOKENS;
  // Z.AI's Anthropic endpoint takes Anthropic's thinking block for GLM's own switch
  const wantsThinking = request.thinking === 'anthropic-thinking' || (family === 'zai' && request.thinking === 'zai-thinking');
  if (!wantsThinking) return { max_tokens: maxTokens };
  const budget = Math.floor(maxTokens / 2);
  if (budget < MIN_BUDGET) return { max_tokens: maxTokens };
  return { max_tokens: maxTokens, thinking: { type: 'enabled', budget_tokens: budget } };
}
