// The other direction: an OpenAI-chat client (Hermes) in front of an anthropic-messages upstream
// (OpenCode Go's MiniMax/Qwen, Z.AI's Anthropic endpoint). Request OpenAI → Anthropic, answer Anthropic → OpenAI.
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../errors.js';
import { badRequest } from './client-error.js';
import type { AnthropicBlock, AnthropicMessage, AnthropicRequest, AnthropicResponse, OpenAIMessage, OpenAIRequest, OpenAIToolCall } from './formats.js';

/** Thinking budgets for OpenAI's reasoning_effort scale. */
const BUDGET = { low: 2048, medium: 8192, high: 16384 } as const;

export function anthropicRequestFromOpenAI(request: OpenAIRequest, model: string, defaultMaxTokens: number): AnthropicRequest {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: AnthropicBlock[]) => {
    const last = messages[messages.length - 1];
    // Anthropic wants user and assistant turns to alternate: consecutive turns of one role become one
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') system.push(textOf(message, index));
    else if (message.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content: textOf(message, index) }]);
    else if (message.role === 'assistant') push('assistant', assistantBlocks(message, index));
    else push('user', [{ type: 'text', text: textOf(message, index) }]);
  });

  let maxTokens = request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
  const body: AnthropicRequest = { model, max_tokens: maxTokens, messages };
  if (system.length) body.system = system.join('\n\n');
  const effort = request.reasoning_effort;
  if (effort && effort in BUDGET) {
    const budget = BUDGET[effort as keyof typeof BUDGET];
    // the budget must stay below max_tokens, with room left for the answer
    maxTokens = Math.max(maxTokens, budget + 1024);
    body.max_tokens = maxTokens;
    body.thinking = { type: 'enabled', budget_tokens: budget };
  }
  if (request.stop !== undefined) body.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const choice = request.tool_choice;
  if (choice !== undefined) {
    if (choice === 'required') body.tool_choice = { type: 'any' };
    else if (choice === 'none') body.tool_choice = { type: 'none' };
    else if (typeof choice === 'object') body.tool_choice = { type: 'tool', name: choice.function.name };
    else body.tool_choice = { type: 'auto' };
  }
  if (request.parallel_tool_calls === false) body.tool_choice = { ...(body.tool_choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (request.stream) body.stream = true;
  return body;
}

function textOf(message: OpenAIMessage, index: number): string {
  if (typeof message.content === 'string') return message.content;
  if (message.content === null || message.content === undefined) return '';
  return message.content
    .map((part) => {
      if (part.type !== 'text') throw badRequest(`messages[${index}]: '${part.type}' parts are not supported by portai serve on an Anthropic route; send text only`);
      return part.text ?? '';
    })
    .join('');
}

function assistantBlocks(message: OpenAIMessage, index: number): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  const text = textOf(message, index);
  if (text) blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    let input: unknown = {};
    try {
      input = call.function.arguments?.trim() ? JSON.parse(call.function.arguments) : {};
    } catch {
      throw badRequest(`messages[${index}].tool_calls: arguments of '${call.function.name}' are not valid JSON`);
    }
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  }
  return blocks;
}

export function finishReasonFor(stopReason: string | null | undefined): string {
  switch (stopReason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function newCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString('hex')}`;
}

export function openAIResponseFromAnthropic(message: AnthropicResponse, provider: string) {
  if (!Array.isArray(message.content)) throw new ProviderError({ kind: 'bad_response', provider, message: 'the answer has no content' });
  let text = '';
  let reasoning = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking') reasoning += block.thinking;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
  }
  const input = message.usage?.input_tokens ?? 0;
  const output = message.usage?.output_tokens ?? 0;
  return {
    id: newCompletionId(),
    object: 'chat.completion' as const,
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: text || null, ...(reasoning ? { reasoning_content: reasoning } : {}), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReasonFor(message.stop_reason),
      },
    ],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}
