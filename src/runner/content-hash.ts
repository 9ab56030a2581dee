import { createHash } from 'node:crypto';

/** The key a finished step's output is reused under on resume: its rendered content, not its position. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
