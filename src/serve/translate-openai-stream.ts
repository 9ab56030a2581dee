// Anthropic stream events → OpenAI chat-completion chunks, for an OpenAI client on an anthropic-messages upstream.
// Tool calls get OpenAI's indices (0, 1, …) in the order their blocks start; their argument fragments are
// passed on whole and in order, so the client's accumulated arguments equal the upstream's input exactly.
import type { AnthropicEvent } from './formats.js';
import { finishReasonFor, newCompletionId } from './translate-openai.js';

export class OpenAIStreamTranslator {
  private readonly id = newCompletionId();
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly toolIndexOfBlock = new Map<number, number>();
  private roleSent = false;
  private finishReason: string | null = null;
  readonly usage: { input_tokens?: number; output_tokens?: number; served_model?: string } = {};

  constructor(
    private model: string,
    /** the client asked for stream_options.include_usage */
    private readonly includeUsage: boolean,
  ) {}

  get committed(): boolean {
    return this.roleSent;
  }

  /** Chunks (as objects) for one Anthropic event. */
  push(event: AnthropicEvent): Array<Record<string, unknown>> {
    switch (event.type) {
      case 'message_start': {
        const message = (event.message ?? {}) as { model?: string; usage?: { input_tokens?: number } };
        if (message.model) this.usage.served_model = this.model = message.model;
        if (typeof message.usage?.input_tokens === 'number') this.usage.input_tokens = message.usage.input_tokens;
        return [];
      }
      case 'content_block_start': {
        const block = event.content_block as { type: string; id?: string; name?: string };
        if (block.type !== 'tool_use') return [];
        const toolIndex = this.toolIndexOfBlock.size;
        this.toolIndexOfBlock.set(event.index as number, toolIndex);
        return this.delta({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
      }
      case 'content_block_delta': {
        const delta = event.delta as { type: string; text?: string; thinking?: string; partial_json?: string };
        if (delta.type === 'text_delta' && delta.text) return this.delta({ content: delta.text });
        if (delta.type === 'thinking_delta' && delta.thinking) return this.delta({ reasoning_content: delta.thinking });
        if (delta.type === 'input_json_delta' && delta.partial_json) {
          const toolIndex = this.toolIndexOfBlock.get(event.index as number);
          if (toolIndex === undefined) return [];
          return this.delta({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] });
        }
        return [];
      }
      case 'message_delta': {
        const delta = event.delta as { stop_reason?: string | null };
        const usage = event.usage as { output_tokens?: number; input_tokens?: number } | undefined;
        if (typeof usage?.output_tokens === 'number') this.usage.output_tokens = usage.output_tokens;
        if (typeof usage?.input_tokens === 'number') this.usage.input_tokens = usage.input_tokens;
        if (delta?.stop_reason !== undefined) this.finishReason = finishReasonFor(delta.stop_reason);
        return [];
      }
      default:
        return [];
    }
  }

  /** The closing chunks: finish_reason, then usage when asked for. The caller adds `[DONE]`. */
  finish(): Array<Record<string, unknown>> {
    const chunks = this.delta({}, this.finishReason ?? 'stop');
    if (this.includeUsage) {
      const input = this.usage.input_tokens ?? 0;
      const output = this.usage.output_tokens ?? 0;
      chunks.push({ ...this.frame(), choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } });
    }
    return chunks;
  }

  private delta(fields: Record<string, unknown>, finishReason: string | null = null): Array<Record<string, unknown>> {
    const chunks: Array<Record<string, unknown>> = [];
    if (!this.roleSent) {
      this.roleSent = true;
      chunks.push({ ...this.frame(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    }
    chunks.push({ ...this.frame(), choices: [{ index: 0, delta: fields, finish_reason: finishReason }] });
    return chunks;
  }

  private frame() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}
