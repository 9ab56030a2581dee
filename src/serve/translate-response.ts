// OpenAI Chat Completions response → Anthropic Messages response.
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../errors.js';
import type {
  AnthropicResponse,
  AnthropicStopReason,
  AnthropicThinkingBlock,
  OpenAIReasoningFields,
  OpenAIResponse,
  OpenAIToolCall,
} from './formats.js';

export function newMessageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

export function newToolUseId(): string {
  return `toolu_${randomBytes(12).toString('hex')}`;
}

export function stopReasonFor(finishReason: string | null | undefined): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** The reasoning text and signature, whichever field the provider used. */
export function reasoningOf(fields: OpenAIReasoningFields): { text: string; signature?: string } {
  const details = fields.reasoning_details ?? [];
  const signature = details.map((detail) => detail.signature).find((value): value is string => typeof value === 'string' && value.length > 0);
  const direct = fields.reasoning ?? fields.reasoning_content;
  if (typeof direct === 'string' && direct.length > 0) return { text: direct, signature };
  const fromDetails = details
    .filter((detail) => detail.type === 'reasoning.text' || detail.type === 'reasoning.summary')
    .map((detail) => detail.text ?? detail.summary ?? '')
    .join('');
  return { text: fromDetails, signature };
}

/**
 * Tool arguments as an object. Empty arguments mean "no arguments"; arguments that do not parse are a broken
 * response, never silently `{}` (other proxies' worst bug: the tool then runs with nothing).
 */
export function parseToolInput(call: OpenAIToolCall, provider: string): unknown {
  const text = call.function.arguments ?? '';
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError({
      kind: 'bad_response',
      provider,
      message: `tool call '${call.function.name}' came back with arguments that are not JSON (${text.slice(0, 80)})`,
    });
  }
}

export function translateResponse(response: OpenAIResponse, provider: string, estimatedInputTokens: number): AnthropicResponse {
  const choice = response.choices?.[0];
  if (!choice?.message) throw new ProviderError({ kind: 'bad_response', provider, message: 'the response has no choices' });
  const message = choice.message;
  const content: AnthropicResponse['content'] = [];

  const reasoning = reasoningOf(message);
  if (reasoning.text) {
    const thinking: AnthropicThinkingBlock = { type: 'thinking', thinking: reasoning.text, signature: reasoning.signature ?? '' };
    content.push(thinking);
  }
  if (typeof message.content === 'string' && message.content.length > 0) content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id || newToolUseId(), name: call.function.name, input: parseToolInput(call, provider) });
  }
  const stopReason = message.tool_calls?.length ? 'tool_use' : stopReasonFor(choice.finish_reason);

  return {
    id: newMessageId(),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: response.usage?.prompt_tokens ?? estimatedInputTokens,
      output_tokens: response.usage?.completion_tokens ?? 0,
    },
  };
}
