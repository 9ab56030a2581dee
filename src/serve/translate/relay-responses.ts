// A Responses client: the upstream answers in OpenAI chat (or in Anthropic Messages, first turned into chat by the
// existing translators) and the answer is turned into a Response object or the Responses event stream.
import { badResponse, mapBodyError } from '../../wire/map-error.js';
import { readEvents } from '../../wire/sse.js';
import { readChatChunks, readChatJson } from '../read-chat-upstream.js';
import type { AnthropicEvent, AnthropicResponse, OpenAIChunk, OpenAIResponse } from '../formats.js';
import { sendJson, startEventStream } from '../http-io.js';
import { isRecord, parseJsonText, relayFailure, type RelayInput, type RelayUsage } from '../relay-common.js';
import { openAIResponseFromAnthropic } from '../translate-openai.js';
import { OpenAIStreamTranslator } from '../translate-openai-stream.js';
import type { RelayMode } from '../upstream-request.js';
import type { ResponsesEcho, ResponsesEvent } from './responses-format.js';
import { responseFromChat } from './responses-response.js';
import { ResponsesStreamTranslator } from './responses-stream.js';

export type ResponsesRelay = (input: RelayInput) => Promise<RelayUsage>;

/** The relay for a Responses client, by the wire the upstream speaks (the chat request was built for it). */
export function responsesRelay(mode: RelayMode, echo: ResponsesEcho): ResponsesRelay {
  if (mode === 'openai-pass') return (input) => fromChat(input, echo);
  if (mode === 'openai-from-anthropic') return (input) => fromAnthropic(input, echo);
  throw new Error(`no Responses relay for ${mode}`);
}

async function fromChat(input: RelayInput, echo: ResponsesEcho): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  const translator = new ResponsesStreamTranslator({ model: input.model, echo, estimatedInputTokens: input.estimatedInputTokens, provider: endpoint.provider });
  try {
    if (!input.stream) {
      const chat = await readChatJson(input);
      sendJson(response, 200, responseFromChat(chat, echo, endpoint.provider, input.estimatedInputTokens));
      return { input_tokens: chat.usage?.prompt_tokens, output_tokens: chat.usage?.completion_tokens, cost_usd: chat.usage?.cost, served_model: chat.model };
    }
    const { served_model: servedModel } = await readChatChunks(input, (chunk) => send(input, translator.push(chunk)));
    send(input, translator.finish());
    response.end();
    return { ...translator.usage, served_model: servedModel };
  } catch (caught) {
    throw failure(input, translator, caught);
  }
}

async function fromAnthropic(input: RelayInput, echo: ResponsesEcho): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  const translator = new ResponsesStreamTranslator({ model: input.model, echo, estimatedInputTokens: input.estimatedInputTokens, provider: endpoint.provider });
  try {
    if (!input.stream) {
      const json = parseJsonText(await upstream.body.text());
      if (!isRecord(json)) throw badResponse(endpoint, 'the upstream answer is not JSON', upstream.status, true);
      if (json.type === 'error') throw mapBodyError(endpoint, json, upstream.headers, Date.now(), input.model);
      const chat = openAIResponseFromAnthropic(json as unknown as AnthropicResponse, endpoint.provider);
      sendJson(response, 200, responseFromChat(chat as unknown as OpenAIResponse, echo, endpoint.provider, input.estimatedInputTokens));
      return { input_tokens: chat.usage.prompt_tokens, output_tokens: chat.usage.completion_tokens, served_model: chat.model };
    }
    // Anthropic events → chat chunks (with usage) → Responses events: two translators, each tested on its own
    const toChat = new OpenAIStreamTranslator(input.model, true);
    const finished = await readEvents(upstream.body, (event) => {
      const data = parseJsonText(event.data);
      if (!isRecord(data)) return false;
      const type = event.event ?? String(data.type);
      if (type === 'error' || data.type === 'error') throw mapBodyError(endpoint, data, upstream.headers, Date.now(), input.model);
      for (const chunk of toChat.push({ ...data, type } as AnthropicEvent)) send(input, translator.push(chunk as OpenAIChunk));
      return type === 'message_stop';
    });
    if (!finished) throw badResponse(endpoint, 'the upstream stream ended before message_stop', upstream.status, true);
    for (const chunk of toChat.finish()) send(input, translator.push(chunk as OpenAIChunk));
    send(input, translator.finish());
    response.end();
    return toChat.usage;
  } catch (caught) {
    throw failure(input, translator, caught);
  }
}

function send(input: RelayInput, events: ResponsesEvent[]): void {
  if (events.length === 0) return;
  if (!input.response.headersSent) startEventStream(input.response);
  for (const event of events) input.response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/** Mid-stream, the client hears response.failed (its own format) before the stream closes; then the usual failure. */
function failure(input: RelayInput, translator: ResponsesStreamTranslator, caught: unknown) {
  if (input.response.headersSent && !input.response.writableEnded) {
    const message = caught instanceof Error ? caught.message : String(caught);
    send(input, [translator.failed(`upstream ${input.endpoint.provider} failed mid-answer: ${message}`)]);
    input.response.end();
  }
  return relayFailure(input, caught);
}
