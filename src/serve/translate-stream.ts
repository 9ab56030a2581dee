// A state machine turning OpenAI chat-completion chunks into Anthropic's exact stream event order:
// message_start (once) → for each block: content_block_start, deltas, content_block_stop → message_delta → message_stop.
// It guards against the translation bugs seen in other proxies: a delta for a block never started, thinking
// inside a text block, tool input truncated or arriving as `{}`, message_start twice or with zeroed usage.
import { ProviderError } from '../errors.js';
import { estimateTokens } from './estimate.js';
import type { AnthropicEvent, AnthropicStopReason, OpenAIChunk } from './formats.js';
import { newMessageId, newToolUseId, reasoningOf, stopReasonFor } from './translate-response.js';
import { mergeUsage } from '../wire/openai-fields.js';

interface ToolState {
  id: string;
  name: string;
  /** arguments received before the name, sent once the block can start */
  buffered: string;
  started: boolean;
  closed: boolean;
}

type OpenBlock = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number; tool: ToolState };

export interface StreamTranslatorOptions {
  /** the model named in message_start */
  model: string;
  /** estimated before dispatch: the upstream reports usage only at the end */
  estimatedInputTokens: number;
  provider: string;
}

export class AnthropicStreamTranslator {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  private readonly tools = new Map<number, ToolState>();
  private signature: string | undefined;
  private finishReason: string | null = null;
  private outputCharacters = 0;
  private readonly messageId = newMessageId();
  /** what the upstream reported; filled from the final chunk */
  readonly usage: { input_tokens?: number; output_tokens?: number; cost_usd?: number } = {};
  private model: string;

  constructor(private readonly options: StreamTranslatorOptions) {
    this.model = options.model;
  }

  /** True once anything was produced for the client: after that, a failure can no longer fall back to another model. */
  get committed(): boolean {
    return this.started;
  }

  push(chunk: OpenAIChunk): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    mergeUsage(this.usage, chunk.usage);
    if (!this.started && chunk.model) this.model = chunk.model;
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};

    const reasoning = reasoningOf(delta);
    if (reasoning.signature) this.signature = reasoning.signature;
    if (reasoning.text) {
      this.openBlock('thinking', events);
      this.outputCharacters += reasoning.text.length;
      events.push(this.delta({ type: 'thinking_delta', thinking: reasoning.text }));
    }
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      this.openBlock('text', events);
      this.outputCharacters += delta.content.length;
      events.push(this.delta({ type: 'text_delta', text: delta.content }));
    }
    for (const call of delta.tool_calls ?? []) this.toolFragment(call.index ?? 0, call.id, call.function?.name, call.function?.arguments ?? '', events);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** Close the message. Call once, when the upstream stream ended normally. */
  finish(): AnthropicEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const events: AnthropicEvent[] = [];
    for (const [index, tool] of this.tools) {
      if (tool.started) continue;
      if (!tool.name) throw this.broken(`tool call #${index} never got a name`);
      this.startTool(tool, events);
    }
    this.ensureStarted(events);
    this.closeOpen(events);
    const stopReason: AnthropicStopReason = this.tools.size > 0 ? 'tool_use' : stopReasonFor(this.finishReason);
    const usage: Record<string, number> = { output_tokens: this.usage.output_tokens ?? estimateTokens(this.outputCharacters) };
    if (this.usage.input_tokens !== undefined) usage.input_tokens = this.usage.input_tokens;
    events.push({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
    events.push({ type: 'message_stop' });
    return events;
  }

  private toolFragment(key: number, id: string | undefined, name: string | undefined, fragment: string, events: AnthropicEvent[]): void {
    let tool = this.tools.get(key);
    if (!tool) {
      tool = { id: '', name: '', buffered: '', started: false, closed: false };
      this.tools.set(key, tool);
    }
    if (id && !tool.id) tool.id = id;
    if (name && !tool.name) tool.name = name;
    if (tool.closed) {
      // Anthropic blocks cannot interleave; dropping the fragment would silently truncate the input
      if (fragment) throw this.broken(`tool call '${tool.name}' got more arguments after another block began`);
      return;
    }
    if (!tool.started) {
      tool.buffered += fragment;
      if (tool.name) this.startTool(tool, events);
      return;
    }
    if (fragment) events.push(this.delta({ type: 'input_json_delta', partial_json: fragment }));
  }

  private startTool(tool: ToolState, events: AnthropicEvent[]): void {
    this.closeOpen(events);
    this.ensureStarted(events);
    tool.started = true;
    const index = this.nextIndex++;
    this.open = { kind: 'tool', index, tool };
    events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: tool.id || newToolUseId(), name: tool.name, input: {} } });
    if (tool.buffered) events.push(this.delta({ type: 'input_json_delta', partial_json: tool.buffered }));
    tool.buffered = '';
  }

  private openBlock(kind: 'text' | 'thinking', events: AnthropicEvent[]): void {
    if (this.open?.kind === kind) return;
    this.closeOpen(events);
    this.ensureStarted(events);
    const index = this.nextIndex++;
    this.open = { kind, index };
    const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    events.push({ type: 'content_block_start', index, content_block: block });
  }

  private closeOpen(events: AnthropicEvent[]): void {
    const open = this.open;
    if (!open) return;
    if (open.kind === 'thinking' && this.signature) {
      events.push(this.delta({ type: 'signature_delta', signature: this.signature }));
      this.signature = undefined;
    }
    if (open.kind === 'tool') open.tool.closed = true;
    events.push({ type: 'content_block_stop', index: open.index });
    this.open = null;
  }

  private ensureStarted(events: AnthropicEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'message_start',
      message: {
        id: this.messageId,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: this.usage.input_tokens ?? Math.max(1, this.options.estimatedInputTokens), output_tokens: 0 },
      },
    });
    events.push({ type: 'ping' });
  }

  private delta(delta: Record<string, unknown>): AnthropicEvent {
    // only ever called right after openBlock/startTool, so the block is open
    return { type: 'content_block_delta', index: this.open!.index, delta };
  }

  private broken(message: string): ProviderError {
    return new ProviderError({ kind: 'bad_response', provider: this.options.provider, message });
  }
}
