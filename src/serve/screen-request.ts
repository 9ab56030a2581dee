// The edge of `portai serve`: a client's body is cut down to the fields of request-fields.ts before anything else
// reads it, so pass-through and translation alike can only ever carry what the allowlist names.
import type { ServeFeature } from '../types.js';
import { badRequest, type ClientFormat } from './client-error.js';
import {
  ANTHROPIC_FORWARDED,
  ANTHROPIC_REFUSED,
  FAST_SPEED_REFUSAL,
  OPENAI_FORWARDED,
  OPENAI_REFUSED,
  WEB_SEARCH_DEFAULT_RESULTS,
  WEB_SEARCH_USD_PER_RESULT,
} from './request-fields.js';

export interface ScreenedRequest {
  /** only allowlisted fields, plus the client's `model` (the alias name, never sent upstream) */
  body: Record<string, unknown>;
  /** OpenRouter's web plugin, when the config allows it and the client asked for it */
  webSearch?: { max_results: number };
}

export function screenRequest(format: ClientFormat, body: Record<string, unknown>, allow: readonly ServeFeature[] = []): ScreenedRequest {
  return format === 'anthropic' ? screenAnthropic(body, allow) : screenOpenAI(body, allow);
}

/** The worst case a web search adds to a request, in USD. */
export function webSearchUsd(webSearch: ScreenedRequest['webSearch']): number {
  return webSearch ? webSearch.max_results * WEB_SEARCH_USD_PER_RESULT : 0;
}

function screenOpenAI(body: Record<string, unknown>, allow: readonly ServeFeature[]): ScreenedRequest {
  let webSearch: ScreenedRequest['webSearch'];
  for (const field of Object.keys(OPENAI_REFUSED)) {
    if (body[field] === undefined || body[field] === null) continue;
    if (field === 'plugins' && allow.includes('web_search')) webSearch = webPlugin(body.plugins);
    else refuse(field, OPENAI_REFUSED[field]);
  }
  const screened = pickForwarded(body, OPENAI_FORWARDED);
  if (Array.isArray(body.messages)) body.messages.forEach(checkOpenAIParts);
  if (body.tools !== undefined) screened.tools = openAITools(body.tools);
  if (isRecord(body.tool_choice) && body.tool_choice.type !== 'function') refuse('tool_choice.type', `'${String(body.tool_choice.type)}' is not a function tool`);
  // OpenAI refuses stream_options without stream; only include_usage is a ChatStreamOptions field
  delete screened.stream_options;
  if (body.stream === true && isRecord(body.stream_options) && body.stream_options.include_usage === true) screened.stream_options = { include_usage: true };
  return { body: screened, webSearch };
}

function screenAnthropic(body: Record<string, unknown>, allow: readonly ServeFeature[]): ScreenedRequest {
  for (const field of Object.keys(ANTHROPIC_REFUSED)) if (body[field] !== undefined && body[field] !== null) refuse(field, ANTHROPIC_REFUSED[field]);
  if (body.speed !== undefined && body.speed !== null && body.speed !== 'standard') refuse('speed', FAST_SPEED_REFUSAL);
  const screened = pickForwarded(body, ANTHROPIC_FORWARDED);
  let webSearch: ScreenedRequest['webSearch'];
  if (body.tools !== undefined) {
    const tools = anthropicTools(body.tools, allow.includes('web_search'));
    screened.tools = tools.custom;
    if (tools.webSearchName !== undefined) {
      // Claude Code's WebSearch tool: answered by OpenRouter's web plugin instead of Anthropic's server tool
      webSearch = { max_results: WEB_SEARCH_DEFAULT_RESULTS };
      if (tools.custom.length === 0) delete screened.tools;
      const choice = body.tool_choice;
      if (isRecord(choice) && (choice.name === tools.webSearchName || (choice.type === 'any' && tools.custom.length === 0))) delete screened.tool_choice;
    }
  }
  // Anthropic's metadata has one documented key; anything else is a 400 on the real API
  delete screened.metadata;
  if (isRecord(body.metadata) && typeof body.metadata.user_id === 'string') screened.metadata = { user_id: body.metadata.user_id };
  return { body: screened, webSearch };
}

function pickForwarded(body: Record<string, unknown>, allowed: Record<string, string>): Record<string, unknown> {
  const screened: Record<string, unknown> = {};
  if (body.model !== undefined) screened.model = body.model;
  for (const field of Object.keys(allowed)) if (body[field] !== undefined) screened[field] = body[field];
  return screened;
}

/** Only {type: function, function: {name, description, parameters, strict}}: server tools are refused by type. */
function openAITools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) throw badRequest('tools: an array of function tools is expected');
  return tools.map((tool, index) => {
    const type = isRecord(tool) ? tool.type : undefined;
    if (type !== 'function' || !isRecord(tool) || !isRecord(tool.function)) {
      refuse(`tools[${index}].type`, `'${String(type)}' is a server-side tool (it runs, and may bill, upstream); portai serve forwards only type 'function'`);
    }
    const { name, description, parameters, strict } = tool.function;
    return { type: 'function', function: definedOnly({ name, description, parameters, strict }) };
  });
}

/**
 * Custom tools (no type, or type custom) only: web_search_*, code_execution_*, web_fetch_*, bash_* run upstream.
 * With serve.allow: [web_search], a web_search_* tool is taken out and its name returned: the web plugin answers.
 */
function anthropicTools(tools: unknown, webSearchAllowed: boolean): { custom: unknown[]; webSearchName?: string } {
  if (!Array.isArray(tools)) throw badRequest('tools: an array of tools is expected');
  const custom: unknown[] = [];
  let webSearchName: string | undefined;
  tools.forEach((tool, index) => {
    const type = isRecord(tool) ? tool.type : undefined;
    if (webSearchAllowed && isRecord(tool) && typeof type === 'string' && type.startsWith('web_search_')) {
      webSearchName = typeof tool.name === 'string' ? tool.name : 'web_search';
      return;
    }
    if (!isRecord(tool) || (type !== undefined && type !== null && type !== 'custom')) {
      refuse(`tools[${index}].type`, `'${String(type)}' is a server tool (it runs, and may bill, upstream); portai serve forwards only custom tools with an input_schema`);
    }
    const { name, description, input_schema } = tool;
    custom.push(definedOnly({ ...(type === 'custom' ? { type } : {}), name, description, input_schema }));
  });
  return { custom, webSearchName };
}

/**
 * A `file` part makes OpenRouter parse the document, with a paid OCR engine when the model cannot read files itself.
 * Images and text are billed as input tokens, which the spend guard prices.
 */
function checkOpenAIParts(message: unknown, index: number): void {
  if (!isRecord(message) || !Array.isArray(message.content)) return;
  message.content.forEach((part, partIndex) => {
    if (isRecord(part) && part.type === 'file') {
      refuse(`messages[${index}].content[${partIndex}].type`, "'file' parts are parsed upstream, by a paid engine on models without native file input; send the text instead");
    }
  });
}

/** With `serve.allow: [web_search]`: only OpenRouter's `web` plugin, rebuilt with the engine portai can price. */
function webPlugin(plugins: unknown): ScreenedRequest['webSearch'] {
  if (!Array.isArray(plugins)) throw badRequest('plugins: an array is expected');
  let maxResults: number | undefined;
  plugins.forEach((plugin, index) => {
    const id = isRecord(plugin) ? plugin.id : undefined;
    if (id !== 'web') refuse(`plugins[${index}].id`, `plugin '${String(id)}' is not allowed; only 'web' can be enabled (serve.allow: [web_search])`);
    const asked = (plugin as Record<string, unknown>).max_results;
    if (asked !== undefined && (!Number.isInteger(asked) || (asked as number) < 1)) throw badRequest(`plugins[${index}].max_results: a positive integer is expected`);
    maxResults = (asked as number | undefined) ?? maxResults;
  });
  return { max_results: maxResults ?? WEB_SEARCH_DEFAULT_RESULTS };
}

export function refuse(field: string, why: string): never {
  throw badRequest(`${field}: refused by portai serve: ${why}`);
}

function definedOnly(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
