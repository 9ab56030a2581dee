// The slice of OpenAI's Responses API that `portai serve` reads and writes. Type-only. The shapes follow
// OpenAI's OpenAPI description (github.com/openai/openai-openapi, openapi.yaml: Response, OutputMessage,
// FunctionToolCall, ResponseUsage and the Response*Event schemas); test/serve-responses.test.ts checks them
// against the openai SDK's types and that description.

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface ResponsesMessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: ResponsesOutputText[];
}

export interface ResponsesFunctionCallItem {
  id: string;
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponsesOutputItem = ResponsesMessageItem | ResponsesFunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What the answer repeats of the request, as OpenAI's Response object does. */
export interface ResponsesEcho {
  instructions: string | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
}

export interface ResponsesObject extends ResponsesEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: ResponsesOutputItem[];
  /** portai keeps nothing: always false, whatever the client asked (see responses-request.ts) */
  store: false;
  previous_response_id: null;
  /** absent until the answer is complete (the spec does not let it be null) */
  usage?: ResponsesUsage;
}

/** One server-sent event of a Responses stream: `event: <type>` + `data: <json>`, numbered from 0. */
export interface ResponsesEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}
