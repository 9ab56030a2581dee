// Answers in OpenRouter's openai-chat shape: JSON or SSE, usage with cost, and its failure modes.
import type { ServerResponse } from 'node:http';
import type { IncomingRequest, Reply } from './types.js';
import { answerText, jsonPieces, pieces, sendJson, sendTruncatedJson, startEventStream, tokenCounts } from './shape.js';

export function answerOpenAi(response: ServerResponse, request: IncomingRequest, reply: Reply, id: string): void {
  const text = reply.midStreamError ? 'Partial answer before the upstream' : answerText(request, reply);
  const tokens = tokenCounts(request, reply, text);
  const model = reply.served_model ?? request.model;
  const created = Math.floor(request.at_ms / 1000);
  const usage = {
    prompt_tokens: tokens.input,
    completion_tokens: tokens.output,
    total_tokens: tokens.input + tokens.output,
    cost: reply.cost ?? 0,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const upstreamError = { code: 502, message: 'Upstream provider disconnected mid-generation', metadata: { provider_name: 'FakeUpstream', error_type: 'provider_unavailable' } };
  const finishReason = reply.finish_reason ?? (reply.toolCall ? 'tool_calls' : 'stop');
  const toolCall = reply.toolCall && { id: `call_${id}`, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) } };

  if (!request.stream) {
    const choice = reply.midStreamError
      ? { index: 0, logprobs: null, finish_reason: 'error', native_finish_reason: 'error', message: { role: 'assistant', content: '', refusal: null }, error: upstreamError }
      : toolCall
        ? { index: 0, logprobs: null, finish_reason: finishReason, native_finish_reason: finishReason, message: { role: 'assistant', content: '', refusal: null, reasoning: null, tool_calls: [toolCall] } }
        : { index: 0, logprobs: null, finish_reason: finishReason, native_finish_reason: finishReason, message: { role: 'assistant', content: text, refusal: null, reasoning: null } };
    const body = { id, provider: 'FakeProvider', model, object: 'chat.completion', created, system_fingerprint: null, choices: [choice], usage };
    if (reply.truncate) return sendTruncatedJson(response, body);
    return sendJson(response, 200, body);
  }

  // chunks leave system_fingerprint out: the spec types it a string there, not nullable as in ChatResult
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, provider: 'FakeProvider', model, object: 'chat.completion.chunk', created, choices, ...extra })}\n\n`;
  startEventStream(response);
  // OpenRouter keeps the connection warm with SSE comments while the upstream thinks
  response.write(': OPENROUTER PROCESSING\n\n');
  if (toolCall && !reply.truncate && !reply.midStreamError) {
    // the call's id and name come first, then the arguments in pieces, as OpenRouter relays them
    const opening = { ...toolCall, function: { name: toolCall.function.name, arguments: '' } };
    response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '', tool_calls: [{ index: 0, ...opening }] }, finish_reason: null, native_finish_reason: null, logprobs: null }]));
    for (const piece of jsonPieces(toolCall.function.arguments)) {
      response.write(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null, native_finish_reason: null, logprobs: null }]));
    }
    response.write(chunk([{ index: 0, delta: { content: '' }, finish_reason: finishReason, native_finish_reason: finishReason, logprobs: null }]));
    response.write(chunk([], { usage }));
    response.write('data: [DONE]\n\n');
    return void response.end();
  }
  const deltas = pieces(text);
  const sent = reply.truncate || reply.midStreamError ? deltas.slice(0, Math.max(1, Math.floor(deltas.length / 2))) : deltas;
  sent.forEach((piece, index) => {
    const delta = index === 0 ? { role: 'assistant', content: piece } : { content: piece };
    response.write(chunk([{ index: 0, delta, finish_reason: null, native_finish_reason: null, logprobs: null }]));
  });
  if (reply.truncate) return void response.end();
  if (reply.midStreamError) {
    response.write(chunk([{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }], { error: upstreamError }));
    return void response.end();
  }
  response.write(chunk([{ index: 0, delta: { content: '' }, finish_reason: finishReason, native_finish_reason: finishReason, logprobs: null }]));
  response.write(chunk([], { usage }));
  response.write('data: [DONE]\n\n');
  response.end();
}
