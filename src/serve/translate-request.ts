// Anthropic Messages request → OpenAI Chat Completions request, for an Anthropic client (Claude Code)
// in front of an OpenAI-chat upstream (OpenRouter free models, GLM, Kimi…).
import type { Effort } from '../types.js';
import { badRequest } from './client-error.js';
import type {
  AnthropicBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicTool,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  OpenAIMessage,
  OpenAIRequest,
  OpenAITool,
  OpenAIToolChoice,
} from './formats.js';
import { IMAGE_OMITTED_WARNING, imagePart, partsContent, type OpenAIPart } from './translate-image.js';

export interface TranslatedRequest {
  body: OpenAIRequest;
  /** what the client's `thinking` asked for, to switch the upstream model's reasoning on */
  reasoningEffort?: Effort;
  /** for the client's `x-portai-warning` header: something of its request did not reach the model */
  warning?: string;
}

export interface TranslateOptions {
  /** the model is known to accept image input (preset, config or catalog `input_modalities`) */
  vision?: boolean;
}

export function translateRequest(request: AnthropicRequest, model: string, options: TranslateOptions = {}): TranslatedRequest {
  const messages: OpenAIMessage[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  const images: ImageState = { vision: options.vision === true, omitted: false };
  request.messages.forEach((message, index) => messages.push(...translateMessage(message, index, images)));

  const body: OpenAIRequest = { model, messages };
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.stop_sequences?.length) body.stop = request.stop_sequences;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.tools?.length) body.tools = request.tools.map(translateTool);
  if (request.tool_choice) {
    body.tool_choice = translateToolChoice(request.tool_choice);
    if (request.tool_choice.disable_parallel_tool_use) body.parallel_tool_calls = false;
  }
  if (request.stream) {
    body.stream = true;
    // usage arrives only in the final chunk, and only when asked for
    body.stream_options = { include_usage: true };
  }
  const translated: TranslatedRequest = { body, reasoningEffort: effortForThinking(request.thinking) };
  if (images.omitted) translated.warning = IMAGE_OMITTED_WARNING;
  return translated;
}

interface ImageState {
  vision: boolean;
  /** set when some image became a placeholder */
  omitted: boolean;
}

/** Anthropic's thinking budget in tokens → the coarse effort scale OpenAI-style reasoning understands. */
export function effortForThinking(thinking: AnthropicRequest['thinking']): Effort | undefined {
  if (!thinking || thinking.type === 'disabled') return undefined;
  if (thinking.type === 'adaptive') return 'high';
  const budget = thinking.budget_tokens ?? 0;
  if (budget >= 16_000) return 'high';
  if (budget >= 4_000) return 'medium';
  return 'low';
}

function systemText(system: AnthropicRequest['system']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('\n\n');
}

function translateMessage(message: AnthropicMessage, index: number, images: ImageState): OpenAIMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'assistant' ? [assistantMessage(message.content, index)] : userMessages(message.content, index, images);
}

function assistantMessage(blocks: AnthropicBlock[], index: number): OpenAIMessage {
  const text: string[] = [];
  const toolCalls: NonNullable<OpenAIMessage['tool_calls']> = [];
  for (const block of blocks) {
    if (block.type === 'text') text.push(String(block.text ?? ''));
    else if (block.type === 'tool_use') {
      const use = block as AnthropicToolUseBlock;
      toolCalls.push({ id: use.id, type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      // thinking belongs to the model that produced it; another model cannot verify or reuse it
      continue;
    } else unsupported(block.type, index);
  }
  const message: OpenAIMessage = { role: 'assistant', content: text.length ? text.join('') : null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return message;
}

/**
 * Tool results become `role: tool` messages, placed first: OpenAI wants them right after the assistant's tool_calls.
 * A tool message carries text only, so a tool's images go into the user message that follows, ahead of its own parts.
 */
function userMessages(blocks: AnthropicBlock[], index: number, images: ImageState): OpenAIMessage[] {
  const results: OpenAIMessage[] = [];
  const toolImages: OpenAIPart[] = [];
  const parts: OpenAIPart[] = [];
  for (const block of blocks) {
    if (block.type === 'text') parts.push({ type: 'text', text: String(block.text ?? '') });
    else if (block.type === 'image') parts.push(image(block, images));
    else if (block.type === 'tool_result') {
      const tool = toolMessage(block as AnthropicToolResultBlock, index, images);
      results.push(tool.message);
      toolImages.push(...tool.images);
    } else unsupported(block.type, index);
  }
  const all = [...toolImages, ...parts];
  if (all.length) results.push({ role: 'user', content: partsContent(all, '\n\n') });
  return results;
}

function toolMessage(block: AnthropicToolResultBlock, index: number, images: ImageState): { message: OpenAIMessage; images: OpenAIPart[] } {
  let content = '';
  const attached: OpenAIPart[] = [];
  if (typeof block.content === 'string') content = block.content;
  else if (Array.isArray(block.content)) {
    const text: string[] = [];
    for (const part of block.content) {
      if (part.type === 'image') attached.push(image(part, images));
      else if (part.type === 'text') text.push(part.text ?? '');
      else unsupported(`${part.type} inside tool_result`, index);
    }
    content = text.join('\n');
    // an image-only result (a screenshot) still needs words, or the model sees an empty answer
    if (attached.length && !content) content = 'The tool returned an image; it follows in the next message.';
  }
  // OpenAI has no is_error flag; say it in words so the model still knows the tool failed
  if (block.is_error) content = `Error: ${content}`;
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content }, images: attached };
}

function image(block: Record<string, unknown>, images: ImageState): OpenAIPart {
  const { part, omitted } = imagePart(block, images.vision);
  if (omitted) images.omitted = true;
  return part;
}

function translateTool(tool: AnthropicTool): OpenAITool {
  if (!tool.input_schema) {
    throw badRequest(`tool '${tool.name}' (type ${tool.type ?? 'unknown'}) is a server tool that portai serve cannot run on this route; give it an input_schema or remove it`);
  }
  const definition: OpenAITool['function'] = { name: tool.name, parameters: tool.input_schema };
  if (tool.description) definition.description = tool.description;
  return { type: 'function', function: definition };
}

function translateToolChoice(choice: NonNullable<AnthropicRequest['tool_choice']>): OpenAIToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name ?? '' } };
    default:
      return 'auto';
  }
}

function unsupported(type: string, index: number): never {
  throw badRequest(`messages[${index}]: '${type}' content blocks are not supported by portai serve on an OpenAI-chat route; send text or images`);
}
