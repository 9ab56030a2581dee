// What portai keeps of a rendered prompt never holds a declared env value.
import { describe, expect, test } from 'vitest';
import { redactEnv } from '../src/runner/redact-env.js';

describe('redactEnv', () => {
  test('replaces every occurrence of every non-empty value, the longest first, and leaves the rest alone', () => {
    const messages = [
      { role: 'system' as const, content: 'no secrets here' },
      { role: 'user' as const, content: 'key abc123 and abc123-long, again abc123' },
    ];
    expect(redactEnv(messages, { SHORT: 'abc123', LONG: 'abc123-long', EMPTY: '' })).toEqual([
      { role: 'system', content: 'no secrets here' },
      { role: 'user', content: 'key [redacted env.SHORT] and [redacted env.LONG], again [redacted env.SHORT]' },
    ]);
    expect(messages[1].content).toBe('key abc123 and abc123-long, again abc123');
  });
});
