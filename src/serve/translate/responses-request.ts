// An OpenAI Responses request → an OpenAI chat request, before the chat allowlist (screen-request.ts) sees it: so
// a Responses client gets exactly the chat edge's refusals and forwarding, and the proxy path is the same one.
// Fields of the Responses API that would need state portai does not keep, or that run tools upstream, are refused
// with a 400 naming the field; bookkeeping fields are dropped.
import { badRequest } from '../client-error.js';
import { OPENAI_REFUSED } from '../request-fields.js';
import { refuse } from '../screen-request.js';
import type { OpenAIMessage, OpenAIToolCall } from '../formats.js';
import type { ResponsesEcho } from './responses-format.js';

/** Responses fields refused with a 400: each needs stored state or runs (and may bill) something upstream. */
export const RESPONSES_REFUSED: Record<string, string> = {
  previous_response_id: 'portai does not store responses; send the full conversation in `input` (and `store: false`)',
  conversation: 'portai does not store conversations; send the full conversation in `input`',
  background: 'background responses are stored and polled; portai stores nothing',
  prompt: 'a stored prompt template lives in an OpenAI account portai never checked',
};

/**
 * Known Responses fields that are not forwarded and not refused. `store` is among them: portai never stores a
 * response (its ledger records the attempt, not the text), so `store: true` is answered like `store: false`.
 */
export const RESPONSES_DROPPED: Record<string, string> = {
  store: 'portai never stores a response; the answer says store: false',
  include: 'extra output (encrypted reasoning, logprobs of server tools) portai does not produce',
  truncation: "OpenAI-side context truncation; the upstream's own limit applies",
  max_tool_calls: 'only limits built-in tools, which are refused',
  service_tier: 'a priority tier bills more; the default tier is the one the spend guard prices',
  prompt_cache_key: 'a caching hint; the answer is the same without it',
  prompt_cache_retention: 'a caching hint; the answer is the same without it',
  safety_identifier: 'an abuse-detection id for OpenAI accounts',
  stream_options: 'portai always reports usage in response.completed',
  top_logprobs: 'logprobs are not part of the translated answer',
  context_management: 'OpenAI-side compaction of stored context',
};

export interface TranslatedResponsesRequest {
  /** an OpenAI chat request body, still to be screened by screenRequest('openai', …) */
  chat: Record<string, unknown>;
  echo: ResponsesEcho;
}

export function chatRequestFromResponses(body: Record<string, unknown>): TranslatedResponsesRequest {
  for (const field of Object.keys(RESPONSES_REFUSED)) {
    if (body[field] !== undefined && body[field] !== null && body[field] !== false) refuse(field, RESPONSES_REFUSED[field]);
  }
  const messages: OpenAIMessage[] = [];
  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== 'string') throw badRequest('instructions: a string is expected');
    messages.push({ role: 'system', content: body.instructions });
  }
  messages.push(...messagesFromInput(body.input));

  const chat: Record<string, unknown> = { model: body.model, messages };
  // carried over as they are, so the chat edge refuses them with its own reasons (plugins with serve.allow too)
  for (const field of Object.keys(OPENAI_REFUSED)) if (body[field] !== undefined) chat[field] = body[field];
  for (const field of ['temperature', 'top_p', 'parallel_tool_calls', 'stream', 'user', 'metadata'] as const) {
    if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  }
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) chat.max_tokens = body.max_output_tokens;
  const effort = reasoningEffort(body.reasoning);
  if (effort) chat.reasoning_effort = effort;
  const format = responseFormat(body.text);
  if (format) chat.response_format = format;
  if (body.tools !== undefined && body.tools !== null) chat.tools = chatTools(body.tools);
  if (body.tool_choice !== undefined && body.tool_choice !== null) chat.tool_choice = chatToolChoice(body.tool_choice);

  const echo: ResponsesEcho = {
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    tools: Array.isArray(body.tools) ? body.tools : [],
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: body.parallel_tool_calls !== false,
    temperature: typeof body.temperature === 'number' ? body.temperature : null,
    top_p: typeof body.top_p === 'number' ? body.top_p : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    metadata: isRecord(body.metadata) ? (body.metadata as Record<string, string>) : {},
  };
  return { chat, echo };
}

/** `input`: a string (one user message) or a list of items, in order. */
function messagesFromInput(input: unknown): OpenAIMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) throw badRequest('input: a string or an array of input items is required');
  const messages: OpenAIMessage[] = [];
  input.forEach((item, index) => {
    if (!isRecord(item)) throw badRequest(`input[${index}]: an object is expected`);
    const type = item.type ?? 'message';
    if (type === 'message') messages.push(messageItem(item, index));
    else if (type === 'function_call') addToolCall(messages, item, index);
    else if (type === 'function_call_output') messages.push({ role: 'tool', tool_call_id: text(item.call_id, `input[${index}].call_id`), content: outputText(item.output, index) });
    // the model's earlier reasoning: a chat upstream has no field for it, and the answer does not depend on it
    else if (type === 'reasoning') return;
    else refuse(`input[${index}].type`, `'${String(type)}' items come from tools that run upstream; portai serve takes message, function_call and function_call_output items`);
  });
  return messages;
}

function messageItem(item: Record<string, unknown>, index: number): OpenAIMessage {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
    throw badRequest(`input[${index}].role: one of user, assistant, system, developer is expected`);
  }
  if (typeof item.content === 'string') return { role, content: item.content };
  if (!Array.isArray(item.content)) throw badRequest(`input[${index}].content: a string or an array of content parts is expected`);
  const parts = item.content.map((part, partIndex) => contentPart(part, `input[${index}].content[${partIndex}]`));
  // a text-only message as one string: every chat upstream takes that, not every one takes parts for assistant turns
  if (parts.every((part) => part.type === 'text')) return { role, content: parts.map((part) => part.text).join('') };
  return { role, content: parts };
}

function contentPart(part: unknown, where: string): { type: string; text?: string; image_url?: { url: string; detail?: string } } {
  if (!isRecord(part)) throw badRequest(`${where}: an object is expected`);
  if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') return { type: 'text', text: text(part.text, `${where}.text`) };
  if (part.type === 'refusal') return { type: 'text', text: text(part.refusal, `${where}.refusal`) };
  if (part.type === 'input_image' && typeof part.image_url === 'string') {
    return { type: 'image_url', image_url: { url: part.image_url, ...(typeof part.detail === 'string' ? { detail: part.detail } : {}) } };
  }
  return refuse(`${where}.type`, `'${String(part.type)}' parts are not translated (stored files live in an OpenAI account); send input_text, or input_image with an image_url`);
}

/** Consecutive function_call items are one assistant turn with several tool calls, as chat expects. */
function addToolCall(messages: OpenAIMessage[], item: Record<string, unknown>, index: number): void {
  const call: OpenAIToolCall = {
    id: text(item.call_id, `input[${index}].call_id`),
    type: 'function',
    function: { name: text(item.name, `input[${index}].name`), arguments: typeof item.arguments === 'string' ? item.arguments : '' },
  };
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant' && (last.tool_calls !== undefined || typeof last.content === 'string' || last.content === null)) {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

function outputText(output: unknown, index: number): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((part, partIndex) => contentPart(part, `input[${index}].output[${partIndex}]`).text ?? '').join('');
  throw badRequest(`input[${index}].output: a string is expected`);
}

/** Codex 0.171 sends both by default; the settings `portai serve --print-env codex` prints turn them off. */
const CODEX_HINTS = {
  web_search: ' (Codex: web_search = "disabled" in ~/.codex/config.toml, as `portai serve --print-env codex` prints)',
  namespace: ' (Codex: [agents] enabled = false in ~/.codex/config.toml, as `portai serve --print-env codex` prints)',
};

/** Only function tools, rebuilt in the chat shape: the chat edge then screens them like any chat client's. */
function chatTools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) throw badRequest('tools: an array of function tools is expected');
  return tools.map((tool, index) => {
    const type = isRecord(tool) ? tool.type : undefined;
    if (type === 'namespace') {
      refuse(`tools[${index}].type`, `a 'namespace' of tools (Codex's sub-agents) is not translated; portai serve forwards only type 'function'${CODEX_HINTS.namespace}`);
    }
    if (type !== 'function' || !isRecord(tool)) {
      refuse(`tools[${index}].type`, `'${String(type)}' is a built-in tool (it runs, and may bill, upstream); portai serve forwards only type 'function'${type === 'web_search' ? CODEX_HINTS.web_search : ''}`);
    }
    const { name, description, parameters, strict } = tool;
    return { type: 'function', function: definedOnly({ name, description, parameters, strict: strict ?? undefined }) };
  });
}

function chatToolChoice(choice: unknown): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  return refuse('tool_choice', 'only auto, none, required or {type: function, name} can be served: the other choices name built-in tools');
}

/** reasoning.effort in chat's three steps; `summary` has no chat equivalent and is dropped. */
function reasoningEffort(reasoning: unknown): 'low' | 'medium' | 'high' | undefined {
  if (!isRecord(reasoning)) return undefined;
  switch (reasoning.effort) {
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
    case 'xhigh':
      return 'high';
    default:
      return undefined;
  }
}

/** text.format → response_format; text.verbosity has no chat field and is dropped. */
function responseFormat(textParam: unknown): unknown {
  if (!isRecord(textParam) || !isRecord(textParam.format)) return undefined;
  const format = textParam.format;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') return { type: 'json_schema', json_schema: definedOnly({ name: format.name, schema: format.schema, strict: format.strict ?? undefined, description: format.description }) };
  return undefined;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw badRequest(`${where}: a string is expected`);
  return value;
}

function definedOnly(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
