// An error meant for the client of `portai serve`, rendered in the client's own format.
// Anthropic: {type:"error", error:{type, message}}; OpenAI: {error:{message, type, code}}.

export type ClientFormat = 'anthropic' | 'openai';

export type ClientErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly type: ClientErrorType,
    message: string,
    /** seconds, only for a real rate window */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** OpenAI's error codes for the statuses we produce, as its SDK and clients expect them. */
const OPENAI_TYPE: Record<ClientErrorType, string> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_exceeded',
  api_error: 'api_error',
  overloaded_error: 'server_error',
};

export function errorBody(format: ClientFormat, error: ClientError): Record<string, unknown> {
  if (format === 'anthropic') return { type: 'error', error: { type: error.type, message: error.message } };
  return { error: { message: error.message, type: OPENAI_TYPE[error.type], code: error.type === 'rate_limit_error' ? 'rate_limit_exceeded' : error.type } };
}

export const badRequest = (message: string) => new ClientError(400, 'invalid_request_error', message);
