// Reads the error out of a provider's body, whatever its shape:
// OpenAI / OpenRouter / Z.AI   {error: {code, message, type?, metadata?}}
// Anthropic (and Z.AI's /v1/messages)   {type: "error", error: {type, message, code?}}
// OpenCode Zen   {type: "FreeUsageLimitError", message}   and plain {error: "text"} or {message}.

export interface ErrorFacts {
  /** error.code, or else error.type, as a string */
  code?: string;
  type?: string;
  /** OpenRouter's typed error (error.error_type or error.metadata.error_type), see openrouter-error-types.ts */
  error_type?: string;
  message: string;
  /** OpenRouter's metadata: raw, provider_name, headers, limit_source, … */
  metadata: Record<string, unknown>;
}

export function errorFacts(body: unknown): ErrorFacts | undefined {
  if (!isObject(body)) return undefined;
  const inner = body.error;
  if (isObject(inner)) {
    const metadata = isObject(inner.metadata) ? inner.metadata : {};
    return {
      code: stringOf(inner.code) ?? stringOf(inner.type),
      type: stringOf(inner.type),
      error_type: stringOf(inner.error_type) ?? stringOf(metadata.error_type),
      message: stringOf(inner.message) ?? '',
      metadata,
    };
  }
  if (typeof inner === 'string') return { message: inner, metadata: {} };
  const message = stringOf(body.message);
  if (message !== undefined) {
    const type = body.type !== 'error' ? stringOf(body.type) : undefined;
    return { code: stringOf(body.code) ?? type, type, message, metadata: {} };
  }
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, single-line look at a body that is not what we expected: tags stripped, ≤ 160 chars. */
export function excerpt(text: string, limit = 160): string {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > limit ? `${plain.slice(0, limit - 1)}…` : plain;
}

export function looksLikeHtml(text: string, contentType = ''): boolean {
  return contentType.includes('text/html') || /^\s*(<!doctype html|<html|<head|<body)/i.test(text);
}
