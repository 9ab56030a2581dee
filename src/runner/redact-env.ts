// A skill's templates may read declared secrets (`{{env.TYPEFULLY_API_KEY}}`); what portai keeps of a rendered
// prompt must not hold them. Each declared value is replaced by its name wherever it appears.
import type { ChatMessage } from '../types.js';

export function redactEnv(messages: ChatMessage[], env: Record<string, string>): ChatMessage[] {
  // longest first, so a value that contains another is replaced whole
  const secrets = Object.entries(env)
    .filter(([, value]) => value !== '')
    .sort(([, a], [, b]) => b.length - a.length);
  if (secrets.length === 0) return messages;
  return messages.map((message) => ({
    ...message,
    content: secrets.reduce((text, [name, value]) => text.split(value).join(`[redacted env.${name}]`), message.content),
  }));
}
