// OpenAI chat-completion chunks → the Responses API's event sequence:
// response.created, response.in_progress, then per output item: output_item.added, (content_part.added,
// output_text.delta…, output_text.done, content_part.done) or (function_call_arguments.delta…, .done),
// output_item.done; then response.completed (or response.incomplete) with usage. Every event is numbered.
// One item is open at a time, as in the Anthropic translator: a fragment for an item already closed is a broken
// stream, never dropped (the client would run a tool with truncated arguments).
import { ProviderError } from '../../errors.js';
import { estimateTokens } from '../estimate.js';
import type { OpenAIChunk } from '../formats.js';
import type { ResponsesEcho, ResponsesEvent, ResponsesFunctionCallItem, ResponsesMessageItem, ResponsesObject, ResponsesOutputItem, ResponsesOutputText } from './responses-format.js';
import { newCallId, newItemId, newResponseId, responsesObject, responsesUsage, statusFor } from './responses-response.js';
import { mergeUsage } from '../../wire/openai-fields.js';

interface ToolState {
  item: ResponsesFunctionCallItem;
  /** arguments received before the name */
  buffered: string;
  started: boolean;
  closed: boolean;
}

type OpenItem = { kind: 'text'; index: number; item: ResponsesMessageItem; text: string } | { kind: 'tool'; index: number; tool: ToolState };

export interface ResponsesStreamOptions {
  model: string;
  echo: ResponsesEcho;
  estimatedInputTokens: number;
  provider: string;
}

export class ResponsesStreamTranslator {
  private sequence = 0;
  private started = false;
  private finished = false;
  private open: OpenItem | null = null;
  private readonly output: ResponsesOutputItem[] = [];
  private readonly tools = new Map<number, ToolState>();
  private finishReason: string | null = null;
  private outputCharacters = 0;
  private readonly id = newResponseId();
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private model: string;
  readonly usage: { input_tokens?: number; output_tokens?: number; cost_usd?: number } = {};

  constructor(private readonly options: ResponsesStreamOptions) {
    this.model = options.model;
  }

  push(chunk: OpenAIChunk): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    mergeUsage(this.usage, chunk.usage);
    if (!this.started && chunk.model) this.model = chunk.model;
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content.length > 0) this.text(delta.content, events);
    for (const call of delta.tool_calls ?? []) this.toolFragment(call.index ?? 0, call.id, call.function?.name, call.function?.arguments ?? '', events);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** The closing events; call once, when the upstream stream ended normally. */
  finish(): ResponsesEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const events: ResponsesEvent[] = [];
    for (const [index, tool] of this.tools) {
      if (tool.started) continue;
      if (!tool.item.name) throw this.broken(`tool call #${index} never got a name`);
      this.startTool(tool, events);
    }
    this.ensureStarted(events);
    this.closeOpen(events);
    const usage = responsesUsage(this.usage.input_tokens ?? this.options.estimatedInputTokens, this.usage.output_tokens ?? estimateTokens(this.outputCharacters));
    const status = this.tools.size > 0 ? 'completed' : statusFor(this.finishReason);
    const response = this.response(status, usage);
    events.push(this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response }));
    return events;
  }

  /** The event that tells the client the answer broke after it began (the stream is then closed). */
  failed(message: string): ResponsesEvent {
    const response = { ...this.response('failed', undefined), error: { code: 'server_error', message } };
    return this.event('response.failed', { response });
  }

  private text(fragment: string, events: ResponsesEvent[]): void {
    if (this.open?.kind !== 'text') {
      this.closeOpen(events);
      this.ensureStarted(events);
      const item: ResponsesMessageItem = { id: newItemId('msg'), type: 'message', role: 'assistant', status: 'in_progress', content: [] };
      const index = this.output.length;
      this.output.push(item);
      this.open = { kind: 'text', index, item, text: '' };
      events.push(this.event('response.output_item.added', { output_index: index, item: { ...item, content: [] } }));
      events.push(this.event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
    }
    const open = this.open as Extract<OpenItem, { kind: 'text' }>;
    open.text += fragment;
    this.outputCharacters += fragment.length;
    events.push(this.event('response.output_text.delta', { item_id: open.item.id, output_index: open.index, content_index: 0, delta: fragment, logprobs: [] }));
  }

  private toolFragment(key: number, id: string | undefined, name: string | undefined, fragment: string, events: ResponsesEvent[]): void {
    let tool = this.tools.get(key);
    if (!tool) {
      tool = { item: { id: newItemId('fc'), type: 'function_call', call_id: '', name: '', arguments: '', status: 'in_progress' }, buffered: '', started: false, closed: false };
      this.tools.set(key, tool);
    }
    if (id && !tool.item.call_id) tool.item.call_id = id;
    if (name && !tool.item.name) tool.item.name = name;
    if (tool.closed) {
      if (fragment) throw this.broken(`tool call '${tool.item.name}' got more arguments after another item began`);
      return;
    }
    if (!tool.started) {
      tool.buffered += fragment;
      if (tool.item.name) this.startTool(tool, events);
      return;
    }
    if (fragment) this.arguments(tool, fragment, events);
  }

  private startTool(tool: ToolState, events: ResponsesEvent[]): void {
    this.closeOpen(events);
    this.ensureStarted(events);
    tool.started = true;
    if (!tool.item.call_id) tool.item.call_id = newCallId();
    const index = this.output.length;
    this.output.push(tool.item);
    this.open = { kind: 'tool', index, tool };
    events.push(this.event('response.output_item.added', { output_index: index, item: { ...tool.item } }));
    const buffered = tool.buffered;
    tool.buffered = '';
    if (buffered) this.arguments(tool, buffered, events);
  }

  private arguments(tool: ToolState, fragment: string, events: ResponsesEvent[]): void {
    tool.item.arguments += fragment;
    this.outputCharacters += fragment.length;
    events.push(this.event('response.function_call_arguments.delta', { item_id: tool.item.id, output_index: (this.open as { index: number }).index, delta: fragment }));
  }

  private closeOpen(events: ResponsesEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    if (open.kind === 'text') {
      const part: ResponsesOutputText = { type: 'output_text', text: open.text, annotations: [], logprobs: [] };
      open.item.content = [part];
      open.item.status = 'completed';
      events.push(this.event('response.output_text.done', { item_id: open.item.id, output_index: open.index, content_index: 0, text: open.text, logprobs: [] }));
      events.push(this.event('response.content_part.done', { item_id: open.item.id, output_index: open.index, content_index: 0, part }));
      events.push(this.event('response.output_item.done', { output_index: open.index, item: structuredClone(open.item) }));
      return;
    }
    const tool = open.tool;
    tool.closed = true;
    if (tool.item.arguments.trim() === '') tool.item.arguments = '{}';
    else {
      try {
        JSON.parse(tool.item.arguments);
      } catch {
        throw this.broken(`tool call '${tool.item.name}' came back with arguments that are not JSON (${tool.item.arguments.slice(0, 80)})`);
      }
    }
    tool.item.status = 'completed';
    events.push(this.event('response.function_call_arguments.done', { item_id: tool.item.id, output_index: open.index, name: tool.item.name, arguments: tool.item.arguments }));
    events.push(this.event('response.output_item.done', { output_index: open.index, item: { ...tool.item } }));
  }

  private ensureStarted(events: ResponsesEvent[]): void {
    if (this.started) return;
    this.started = true;
    const response = this.response('in_progress', undefined);
    events.push(this.event('response.created', { response }));
    events.push(this.event('response.in_progress', { response }));
  }

  private response(status: ResponsesObject['status'], usage: ResponsesObject['usage']): ResponsesObject {
    return responsesObject(this.id, this.createdAt, this.model, this.options.echo, status, structuredClone(this.output), usage, this.finishReason);
  }

  private event(type: string, fields: Record<string, unknown>): ResponsesEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private broken(message: string): ProviderError {
    return new ProviderError({ kind: 'bad_response', provider: this.options.provider, message });
  }
}
