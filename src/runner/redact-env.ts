// A skill's templates may read declared secrets (`{{env.TYPEFULLY_API_KEY}}`); what portai keeps or prints of a
// rendered prompt must not hold them. Each declared value is replaced by its name wherever it appears.
import type { ChatMessage } from '../types.js';

export function redactText(text: string, env: Record<string, string>): string {
  // longest first, so a value that contains another is replaced whole
  const secrets = Object.entries(env)
    .filter(([, value]) => value !== '')
    .sort(([, a], [, b]) => b.length - a.length);
  return secrets.reduce((redacted, [name, value]) => redacted.split(value).join(`[redacted env.${name}]`), text);
}

export function redactEnv(messages: ChatMessage[], env: Record<string, string>): ChatMessage[] {
  return messages.map((message) => ({ ...message, content: redactText(message.content, env) }));
}
