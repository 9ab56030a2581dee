// A client in front of an upstream that speaks the other format: the answer is translated on the way.
import { badResponse, mapBodyError } from '../wire/map-error.js';
import { readEvents } from '../wire/sse.js';
import type { AnthropicEvent, AnthropicResponse, OpenAIChunk, OpenAIResponse } from './formats.js';
import { sendJson, startEventStream, writeAnthropicEvent, writeOpenAIData } from './http-io.js';
import { openAIResponseFromAnthropic } from './translate-openai.js';
import { OpenAIStreamTranslator } from './translate-openai-stream.js';
import { isRecord, parseJsonText, relayFailure, type RelayInput, type RelayUsage } from './relay-common.js';
import { translateResponse } from './translate-response.js';
import { readChatChunks, readChatJson } from './read-chat-upstream.js';
import { AnthropicStreamTranslator } from './translate-stream.js';

export async function relayAnthropicFromOpenAI(input: RelayInput): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  try {
    if (!input.stream) {
      const openai = await readChatJson(input);
      const message = translateResponse(openai, endpoint.provider, input.estimatedInputTokens);
      sendJson(response, 200, message);
      return { input_tokens: openai.usage?.prompt_tokens, output_tokens: openai.usage?.completion_tokens, cost_usd: openai.usage?.cost, served_model: openai.model };
    }

    const translator = new AnthropicStreamTranslator({ model: input.model, estimatedInputTokens: input.estimatedInputTokens, provider: endpoint.provider });
    const send = (events: Array<{ type: string }>) => {
      if (events.length === 0) return;
      if (!response.headersSent) startEventStream(response);
      for (const event of events) writeAnthropicEvent(response, event);
    };
    const { served_model: servedModel } = await readChatChunks(input, (chunk) => send(translator.push(chunk)));
    send(translator.finish());
    response.end();
    return { ...translator.usage, served_model: servedModel };
  } catch (caught) {
    throw relayFailure(input, caught);
  }
}

/** An OpenAI client in front of an anthropic-messages upstream. */
export async function relayOpenAIFromAnthropic(input: RelayInput & { includeUsage: boolean }): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  try {
    if (!input.stream) {
      const json = parseJsonText(await upstream.body.text());
      if (!isRecord(json)) throw badResponse(endpoint, 'the upstream answer is not JSON', upstream.status, true);
      if (json.type === 'error') throw mapBodyError(endpoint, json, upstream.headers, Date.now(), input.model);
      const answer = openAIResponseFromAnthropic(json as unknown as AnthropicResponse, endpoint.provider);
      sendJson(response, 200, answer);
      return { input_tokens: answer.usage.prompt_tokens, output_tokens: answer.usage.completion_tokens, served_model: answer.model };
    }
    const translator = new OpenAIStreamTranslator(input.model, input.includeUsage);
    const send = (chunks: Array<Record<string, unknown>>) => {
      if (chunks.length === 0) return;
      if (!response.headersSent) startEventStream(response);
      for (const chunk of chunks) writeOpenAIData(response, JSON.stringify(chunk));
    };
    const finished = await readEvents(upstream.body, (event) => {
      const data = parseJsonText(event.data);
      if (!isRecord(data)) return false;
      const type = event.event ?? String(data.type);
      if (type === 'error' || data.type === 'error') throw mapBodyError(endpoint, data, upstream.headers, Date.now(), input.model);
      send(translator.push({ ...data, type } as AnthropicEvent));
      return type === 'message_stop';
    });
    if (!finished) throw badResponse(endpoint, 'the upstream stream ended before message_stop', upstream.status, true);
    send(translator.finish());
    writeOpenAIData(response, '[DONE]');
    response.end();
    return translator.usage;
  } catch (caught) {
    throw relayFailure(input, caught);
  }
}
