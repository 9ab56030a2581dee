// Answers in Anthropic's Messages shape: JSON or the event stream, with thinking blocks and pings.
import type { ServerResponse } from 'node:http';
import type { IncomingRequest, Reply } from './types.js';
import { answerText, jsonPieces, pieces, sendJson, sendTruncatedJson, startEventStream, tokenCounts } from './shape.js';

const OVERLOADED = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };

export function answerAnthropic(response: ServerResponse, request: IncomingRequest, reply: Reply, id: string): void {
  const text = reply.midStreamError ? 'Partial answer before the overload' : answerText(request, reply);
  const tokens = tokenCounts(request, reply, text);
  const model = reply.served_model ?? request.model;
  const stopReason = reply.finish_reason ?? (reply.toolCall ? 'tool_use' : 'end_turn');
  const toolUse = reply.toolCall && { type: 'tool_use', id: `toolu_${id}`, name: reply.toolCall.name, input: reply.toolCall.arguments };
  const headers = { 'request-id': `req_${id}`, 'anthropic-organization-id': 'fake-org' };

  if (!request.stream) {
    if (reply.midStreamError) return sendJson(response, 200, OVERLOADED, headers);
    const content: unknown[] = [];
    if (reply.thinking) content.push({ type: 'thinking', thinking: reply.thinking, signature: 'fake-signature' });
    content.push(toolUse ?? { type: 'text', text });
    const body = { id: `msg_${id}`, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: { input_tokens: tokens.input, output_tokens: tokens.output } };
    if (reply.truncate) return sendTruncatedJson(response, body);
    return sendJson(response, 200, body, headers);
  }

  const event = (type: string, data: Record<string, unknown>) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  startEventStream(response, headers);
  event('message_start', {
    message: { id: `msg_${id}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: tokens.input, output_tokens: 1 } },
  });
  let index = 0;
  if (reply.thinking) {
    event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of pieces(reply.thinking)) event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
    event('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'fake-signature' } });
    event('content_block_stop', { index });
    index += 1;
  }
  if (toolUse && !reply.truncate && !reply.midStreamError) {
    // Anthropic's order for a tool call: the block opens with an empty input, then input_json_delta pieces
    event('content_block_start', { index, content_block: { ...toolUse, input: {} } });
    event('ping', {});
    for (const piece of jsonPieces(JSON.stringify(toolUse.input))) event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    event('content_block_stop', { index });
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: tokens.output } });
    event('message_stop', {});
    return void response.end();
  }
  event('content_block_start', { index, content_block: { type: 'text', text: '' } });
  event('ping', {});
  const deltas = pieces(text);
  const sent = reply.truncate || reply.midStreamError ? deltas.slice(0, Math.max(1, Math.floor(deltas.length / 2))) : deltas;
  for (const piece of sent) event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
  if (reply.truncate) return void response.end();
  if (reply.midStreamError) {
    event('error', { error: OVERLOADED.error });
    return void response.end();
  }
  event('content_block_stop', { index });
  event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: tokens.output } });
  event('message_stop', {});
  response.end();
}
