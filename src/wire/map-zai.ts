// Z.AI's GLM thinking switch on its OpenAI-compatible endpoints. Leaving it out keeps the model's
// own default, so only "enabled" is ever sent.
import type { ChatRequest } from '../types.js';

export function zaiExtras(request: ChatRequest): Record<string, unknown> {
  return request.thinking === 'zai-thinking' ? { thinking: { type: 'enabled' } } : {};
}
