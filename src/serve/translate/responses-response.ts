// OpenAI chat completion → OpenAI Responses object (a non-streaming answer, and the body of the stream's
// response.created / response.completed events).
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../../errors.js';
import type { OpenAIResponse } from '../formats.js';
import { parseToolInput } from '../translate-response.js';
import type { ResponsesEcho, ResponsesFunctionCallItem, ResponsesObject, ResponsesOutputItem, ResponsesUsage } from './responses-format.js';

export const newResponseId = (): string => `resp_${randomBytes(12).toString('hex')}`;
export const newItemId = (prefix: 'msg' | 'fc'): string => `${prefix}_${randomBytes(12).toString('hex')}`;
export const newCallId = (): string => `call_${randomBytes(12).toString('hex')}`;

export function responsesUsage(inputTokens: number, outputTokens: number): ResponsesUsage {
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

/** The Response object around an output; one still in progress has no usage yet. */
export function responsesObject(
  id: string,
  createdAt: number,
  model: string,
  echo: ResponsesEcho,
  status: ResponsesObject['status'],
  output: ResponsesOutputItem[],
  usage: ResponsesUsage | undefined,
  finishReason?: string | null,
): ResponsesObject {
  const incomplete = status === 'incomplete' ? { reason: finishReason === 'content_filter' ? ('content_filter' as const) : ('max_output_tokens' as const) } : null;
  const response: ResponsesObject = { id, object: 'response', created_at: createdAt, status, error: null, incomplete_details: incomplete, model, output, ...echo, store: false, previous_response_id: null };
  if (usage) response.usage = usage;
  return response;
}

/** A chat finish reason as a Responses status: a cut answer is incomplete, like OpenAI's own. */
export function statusFor(finishReason: string | null | undefined): 'completed' | 'incomplete' {
  return finishReason === 'length' || finishReason === 'content_filter' ? 'incomplete' : 'completed';
}

export function responseFromChat(chat: OpenAIResponse, echo: ResponsesEcho, provider: string, estimatedInputTokens: number): ResponsesObject {
  const choice = chat.choices?.[0];
  if (!choice?.message) throw new ProviderError({ kind: 'bad_response', provider, message: 'the response has no choices' });
  const output: ResponsesOutputItem[] = [];
  const text = choice.message.content;
  if (typeof text === 'string' && text.length > 0) {
    output.push({ id: newItemId('msg'), type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
  }
  for (const call of choice.message.tool_calls ?? []) {
    // arguments that do not parse are a broken answer, never run as "{}" (translate-response.ts)
    parseToolInput(call, provider);
    const item: ResponsesFunctionCallItem = { id: newItemId('fc'), type: 'function_call', call_id: call.id || newCallId(), name: call.function.name, arguments: call.function.arguments || '{}', status: 'completed' };
    output.push(item);
  }
  const usage = responsesUsage(chat.usage?.prompt_tokens ?? estimatedInputTokens, chat.usage?.completion_tokens ?? 0);
  const status = choice.message.tool_calls?.length ? 'completed' : statusFor(choice.finish_reason);
  return responsesObject(newResponseId(), chat.created ?? Math.floor(Date.now() / 1000), chat.model, echo, status, output, usage, choice.finish_reason);
}
