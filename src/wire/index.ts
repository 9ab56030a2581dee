// The wire layer: one adapter per wire protocol, looked up by name.
import type { WireAdapter, WireProtocol } from '../types.js';
import { anthropicMessages } from './anthropic-messages.js';
import { openAiChat } from './openai-chat.js';

const ADAPTERS: Record<WireProtocol, WireAdapter> = {
  'openai-chat': openAiChat,
  'anthropic-messages': anthropicMessages,
};

export function adapterFor(protocol: WireProtocol): WireAdapter {
  const adapter = ADAPTERS[protocol];
  if (!adapter) throw new Error(`no wire adapter for protocol '${protocol}'`);
  return adapter;
}

export { openAiChat, openAiBody } from './openai-chat.js';
export { anthropicMessages, anthropicBody, ANTHROPIC_VERSION } from './anthropic-messages.js';
export { DEFAULT_TIMEOUTS, post, get, closeConnections, type HttpResponse, type GetResult } from './http.js';
export { mapHttpError, mapBodyError, badResponse } from './map-error.js';
export { mapTransportError } from './transport-error.js';
export { FAMILY_ERROR_RULES } from './family-error-rules.js';
export { beijingResetTime, nextUtcMidnight, resetInMs, retryAfterSeconds, resetAt } from './reset-time.js';
export { requestHeaders } from './request-headers.js';
