// The `stdin: true` marker: checked when the skill loads, kept out of the inputs' JSON Schema.
import { describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadSkill, resolveInputs, runTime, stdinTarget } from '../src/skills/index.js';

const TIME = runTime(new Date('2026-03-07T10:00:00Z'), 'UTC');
const skill = (inputs: string) => loadSkill('/tmp/s.yaml', `name: s\noutcome: o\ninputs:\n${inputs}\nsteps:\n  - id: a\n    prompt: "{{x}}"\n`);

describe('stdin: true', () => {
  test('names the input piped text fills, and is not part of the JSON Schema the values are checked against', () => {
    const loaded = skill('  x: { type: string, stdin: true }\n  y: { type: string }');
    expect(loaded.stdin_input).toBe('x');
    expect(loaded.inputs.x).toEqual({ type: 'string' });
    expect(stdinTarget(loaded)).toEqual({ input: 'x' });
    expect(resolveInputs(loaded, { x: 'a', y: 'b' }, TIME)).toEqual({ x: 'a', y: 'b' });
  });

  test('without a marker: the only required string input, several are ambiguous, none is no target', () => {
    expect(stdinTarget(skill('  x: { type: string }\n  n: { type: integer }'))).toEqual({ input: 'x' });
    expect(stdinTarget(skill('  x: { type: string }\n  y: { type: string }'))).toEqual({ ambiguous: ['x', 'y'] });
    expect(stdinTarget(skill('  x: { type: string, default: hi }'))).toBeNull();
  });

  test('two markers, or a marker on a non-string input, are refused with the line', () => {
    const lines = (() => {
      try {
        skill('  x: { type: string, stdin: true }\n  y: { type: string, stdin: true }');
      } catch (error) {
        return (error as BadInputError).userLines().join('\n');
      }
      return '';
    })();
    expect(lines).toMatch(/s\.yaml:5:\d+.*'x' and 'y' both say stdin: true/);
    expect(() => skill('  x: { type: integer, stdin: true }')).toThrow(BadInputError);
    expect(() => skill('  x: { type: integer, stdin: true }')).toThrow(/stdin: true needs a string input/);
  });
});
