// OpenRouter's request extras. Prices in max_price are strings: the official OpenAPI description
// types them so (USD per million tokens) and strings satisfy the prose docs too. portai never sends
// `models`: it does its own fallback so the ledger sees every attempt. Usage and cost come back on
// every response (the spec marks usage accounting switches as having no effect), so nothing to ask.
import type { ChatRequest } from '../types.js';

export function openrouterExtras(request: ChatRequest): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  const provider: Record<string, unknown> = {};
  if (request.free_only) provider.max_price = { prompt: '0', completion: '0' };
  if (request.privacy === 'private') provider.data_collection = 'deny';
  if (Object.keys(provider).length > 0) extras.provider = provider;
  if (request.thinking === 'openrouter-reasoning') extras.reasoning = { effort: request.effort };
  return extras;
}
