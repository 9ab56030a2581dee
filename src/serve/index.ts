// `portai serve`: the local OpenAI- and Anthropic-compatible endpoint.
export { startServe, type ServeOptions, type RunningServer } from './server.js';
export { serveCommand, DEFAULT_SERVE_PORT, type ServeCommandOptions } from './serve-command.js';
export { printEnv, type ClientKind } from './print-env.js';
export { loadOrCreateToken, TOKEN_FILE } from './auth.js';
export { translateRequest } from './translate-request.js';
export { translateResponse } from './translate-response.js';
export { AnthropicStreamTranslator } from './translate-stream.js';
