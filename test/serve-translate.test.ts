import { describe, expect, it } from 'vitest';
import { translateRequest, effortForThinking } from '../src/serve/translate-request.js';
import { translateResponse } from '../src/serve/translate-response.js';
import { AnthropicStreamTranslator } from '../src/serve/translate-stream.js';
import { ClientError } from '../src/serve/client-error.js';
import { ProviderError } from '../src/errors.js';
import type { AnthropicEvent, OpenAIChunk, OpenAIResponse } from '../src/serve/formats.js';

/** Anthropic's stream grammar, checked strictly: the bugs other proxies ship are all violations of it. */
function checkEventOrder(events: AnthropicEvent[]): string[] {
  const problems: string[] = [];
  let starts = 0;
  let stopped = false;
  const open = new Map<number, string>();
  const closed = new Set<number>();
  let expectedIndex = 0;
  let sawDelta = false;
  for (const event of events) {
    if (stopped) problems.push(`${event.type} after message_stop`);
    switch (event.type) {
      case 'message_start': {
        starts++;
        const usage = (event.message as { usage: { input_tokens: number } }).usage;
        if (!(usage.input_tokens > 0)) problems.push('message_start with zero input_tokens');
        break;
      }
      case 'content_block_start': {
        const index = event.index as number;
        if (starts !== 1) problems.push('block before message_start');
        if (index !== expectedIndex) problems.push(`block index ${index}, expected ${expectedIndex}`);
        if (open.size > 0) problems.push(`block ${index} started while ${[...open.keys()]} open`);
        expectedIndex++;
        open.set(index, (event.content_block as { type: string }).type);
        break;
      }
      case 'content_block_delta': {
        const index = event.index as number;
        const type = open.get(index);
        const deltaType = (event.delta as { type: string }).type;
        if (!type) problems.push(`delta for block ${index} never started or already stopped`);
        const allowed: Record<string, string[]> = { text: ['text_delta'], thinking: ['thinking_delta', 'signature_delta'], tool_use: ['input_json_delta'] };
        if (type && !allowed[type]?.includes(deltaType)) problems.push(`${deltaType} inside a ${type} block`);
        break;
      }
      case 'content_block_stop': {
        const index = event.index as number;
        if (!open.has(index)) problems.push(`stop for block ${index} not open`);
        open.delete(index);
        closed.add(index);
        break;
      }
      case 'message_delta':
        sawDelta = true;
        if (open.size > 0) problems.push('message_delta with a block still open');
        break;
      case 'message_stop':
        if (!sawDelta) problems.push('message_stop without message_delta');
        stopped = true;
        break;
      case 'ping':
        break;
      default:
        problems.push(`unknown event ${event.type}`);
    }
  }
  if (starts !== 1) problems.push(`message_start ${starts} times`);
  if (!stopped) problems.push('no message_stop');
  return problems;
}

/** What a client (like the SDK) assembles from the events. */
function assemble(events: AnthropicEvent[]): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  const json: string[] = [];
  for (const event of events) {
    if (event.type === 'content_block_start') {
      blocks[event.index as number] = { ...(event.content_block as object) };
      json[event.index as number] = '';
    }
    if (event.type === 'content_block_delta') {
      const block = blocks[event.index as number];
      const delta = event.delta as Record<string, string>;
      if (delta.type === 'text_delta') block.text = String(block.text) + delta.text;
      if (delta.type === 'thinking_delta') block.thinking = String(block.thinking) + delta.thinking;
      if (delta.type === 'signature_delta') block.signature = delta.signature;
      if (delta.type === 'input_json_delta') json[event.index as number] += delta.partial_json;
    }
    if (event.type === 'content_block_stop' && blocks[event.index as number].type === 'tool_use') {
      const text = json[event.index as number];
      blocks[event.index as number].input = text ? JSON.parse(text) : {};
    }
  }
  return blocks;
}

function run(chunks: OpenAIChunk[], estimate = 42): AnthropicEvent[] {
  const translator = new AnthropicStreamTranslator({ model: 'm', estimatedInputTokens: estimate, provider: 'p' });
  return [...chunks.flatMap((chunk) => translator.push(chunk)), ...translator.finish()];
}

const delta = (fields: Record<string, unknown>, finish_reason: string | null = null): OpenAIChunk => ({ choices: [{ index: 0, delta: fields, finish_reason }] });

describe('translateRequest (Anthropic → OpenAI chat)', () => {
  it('maps system blocks, tools, tool_use and tool_result, thinking, limits', () => {
    const { body, reasoningEffort } = translateRequest(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 1000,
        system: [{ type: 'text', text: 'be brief' }, { type: 'text', text: 'be kind' }],
        stop_sequences: ['END'],
        temperature: 0.2,
        thinking: { type: 'enabled', budget_tokens: 20_000 },
        tools: [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        stream: true,
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'checking' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'text', text: 'thanks' }] },
        ],
      },
      'upstream/model',
    );
    expect(reasoningEffort).toBe('high');
    expect(body.model).toBe('upstream/model');
    expect(body.max_tokens).toBe(1000);
    expect(body.stop).toEqual(['END']);
    expect(body.temperature).toBe(0.2);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.tool_choice).toBe('required');
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.tools?.[0].function.parameters).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
    expect(body.messages).toEqual([
      { role: 'system', content: 'be brief\n\nbe kind' },
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: 'checking', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('replaces images by a placeholder for a model not known to read them, with a warning, never a 400', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } };
    const translated = translateRequest({ model: 'x', messages: [{ role: 'user', content: [image] }] }, 'm');
    expect(translated.body.messages).toEqual([{ role: 'user', content: '[image omitted: model has no vision]' }]);
    expect(translated.warning).toMatch(/placeholder/);
    const vision = translateRequest({ model: 'x', messages: [{ role: 'user', content: [image] }] }, 'm', { vision: true });
    expect(vision.body.messages).toEqual([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }]);
    expect(vision.warning).toBeUndefined();
  });

  it('rejects a block type it cannot translate with a clear 400', () => {
    const attempt = () => translateRequest({ model: 'x', messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', data: '' } }] }] }, 'm');
    expect(attempt).toThrow(ClientError);
    expect(attempt).toThrow(/messages\[0\]: 'document' content blocks are not supported/);
  });

  it('maps thinking budgets to effort', () => {
    expect(effortForThinking(undefined)).toBeUndefined();
    expect(effortForThinking({ type: 'disabled' })).toBeUndefined();
    expect(effortForThinking({ type: 'enabled', budget_tokens: 1024 })).toBe('low');
    expect(effortForThinking({ type: 'enabled', budget_tokens: 8000 })).toBe('medium');
  });
});

describe('translateResponse (OpenAI chat → Anthropic)', () => {
  const response = (message: Record<string, unknown>, finish_reason: string): OpenAIResponse => ({
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'served/model',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason }],
    usage: { prompt_tokens: 11, completion_tokens: 7 },
  });

  it('turns tool_calls into tool_use with the parsed input, never {}', () => {
    const message = translateResponse(
      response({ content: 'ok', reasoning: 'think first', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":[1,2],"b":"x"}' } }] }, 'tool_calls'),
      'p',
      3,
    );
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'think first', signature: '' },
      { type: 'text', text: 'ok' },
      { type: 'tool_use', id: 'call_9', name: 'f', input: { a: [1, 2], b: 'x' } },
    ]);
    expect(message.usage).toEqual({ input_tokens: 11, output_tokens: 7 });
  });

  it('maps finish reasons and refuses unparseable arguments as a bad response', () => {
    expect(translateResponse(response({ content: 'a' }, 'length'), 'p', 1).stop_reason).toBe('max_tokens');
    expect(translateResponse(response({ content: 'a' }, 'stop'), 'p', 1).stop_reason).toBe('end_turn');
    const broken = () => translateResponse(response({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }, 'tool_calls'), 'p', 1);
    expect(broken).toThrow(ProviderError);
  });
});

describe('AnthropicStreamTranslator', () => {
  it('text stream: exact order, estimated input usage in message_start, real usage at the end', () => {
    const events = run([delta({ role: 'assistant', content: '' }), delta({ content: 'Hel' }), delta({ content: 'lo' }, 'stop'), { choices: [], usage: { prompt_tokens: 30, completion_tokens: 2 } }], 17);
    expect(checkEventOrder(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect((events[0].message as { usage: unknown }).usage).toEqual({ input_tokens: 17, output_tokens: 0 });
    expect(events[6]).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2, input_tokens: 30 } });
    expect(assemble(events)).toEqual([{ type: 'text', text: 'Hello' }]);
  });

  it('thinking then text: thinking never inside the text block, signature before the thinking block stops', () => {
    const events = run([
      delta({ reasoning: 'let me ' }),
      delta({ reasoning: 'think', reasoning_details: [{ type: 'reasoning.text', text: 'think', signature: 'sig-1' }] }),
      delta({ content: 'answer' }),
      delta({ reasoning: 'late thought' }),
      delta({ content: '!' }, 'stop'),
    ]);
    expect(checkEventOrder(events)).toEqual([]);
    expect(assemble(events)).toEqual([
      { type: 'thinking', thinking: 'let me think', signature: 'sig-1' },
      { type: 'text', text: 'answer' },
      { type: 'thinking', thinking: 'late thought', signature: '' },
      { type: 'text', text: '!' },
    ]);
  });

  it('tool calls: arguments accumulated in full across many fragments, never truncated, never {}', () => {
    const argumentsText = JSON.stringify({ path: '/tmp/a.txt', content: 'x'.repeat(5000), nested: { list: [1, 2, 3] } });
    const fragments = argumentsText.match(/[\s\S]{1,7}/g)!;
    const events = run([
      delta({ content: 'Writing.' }),
      delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'write', arguments: '' } }] }),
      ...fragments.map((fragment) => delta({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })),
      delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'noargs', arguments: '' } }] }),
      delta({}, 'tool_calls'),
    ]);
    expect(checkEventOrder(events)).toEqual([]);
    const blocks = assemble(events);
    expect(blocks[1]).toEqual({ type: 'tool_use', id: 'call_a', name: 'write', input: JSON.parse(argumentsText) });
    expect(blocks[2]).toMatchObject({ type: 'tool_use', id: 'call_b', name: 'noargs', input: {} });
    const stop = events.find((event) => event.type === 'message_delta')!;
    expect((stop.delta as { stop_reason: string }).stop_reason).toBe('tool_use');
  });

  it('arguments that arrive before the name are held, not dropped; whole arguments in one chunk work', () => {
    const events = run([
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      delta({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'search', arguments: '"cats"}' } }] }),
      delta({ tool_calls: [{ index: 1, id: 'c2', function: { name: 'search', arguments: '{"q":"dogs"}' } }] }, 'stop'),
    ]);
    expect(checkEventOrder(events)).toEqual([]);
    expect(assemble(events)).toEqual([
      { type: 'tool_use', id: 'c1', name: 'search', input: { q: 'cats' } },
      { type: 'tool_use', id: 'c2', name: 'search', input: { q: 'dogs' } },
    ]);
  });

  it('interleaved fragments for a closed tool block fail loudly instead of truncating', () => {
    const translator = new AnthropicStreamTranslator({ model: 'm', estimatedInputTokens: 5, provider: 'p' });
    translator.push(delta({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] }));
    translator.push(delta({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }));
    expect(() => translator.push(delta({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }))).toThrow(ProviderError);
  });

  it('an empty upstream stream still yields one well-formed message with non-zero input usage', () => {
    const events = run([delta({}, 'stop')], 0);
    expect(checkEventOrder(events)).toEqual([]);
    expect(events.filter((event) => event.type === 'message_start')).toHaveLength(1);
  });

  it('is not committed until real content arrives, so the server can still fall back', () => {
    const translator = new AnthropicStreamTranslator({ model: 'm', estimatedInputTokens: 5, provider: 'p' });
    expect(translator.push(delta({ role: 'assistant', content: '' }))).toEqual([]);
    expect(translator.committed).toBe(false);
    translator.push(delta({ content: 'x' }));
    expect(translator.committed).toBe(true);
  });
});
