// Messages for an LLM step, reading its reply (fences, prose, invalid JSON, schema errors), and the repair request.
import { describe, expect, test } from 'vitest';
import { buildMessages, loadSkill, parseStepOutput, repairMessages } from '../src/skills/index.js';
import type { LlmStep } from '../src/types.js';

const SKILL = loadSkill(
  'skills/event.yaml',
  `name: event
outcome: >
  The calendar holds exactly the event asked for.
steps:
  - id: extract
    system: Be precise about time zones.
    prompt: "Make an event."
    schema:
      type: object
      additionalProperties: false
      required: [title, start]
      properties:
        title: { type: string }
        start: { type: string, format: date-time }
  - id: summary
    prompt: "Summarise."
`,
);
const EXTRACT = SKILL.steps[0] as LlmStep;
const SUMMARY = SKILL.steps[1] as LlmStep;
const EVENT = { title: 'Dentist', start: '2026-03-13T15:00:00+00:00' };

describe('buildMessages', () => {
  test('a schema step gets the outcome, its system text and the JSON instruction with the schema', () => {
    const messages = buildMessages(SKILL, EXTRACT, 'Make an event.', 'Be precise about time zones.');
    expect(messages).toHaveLength(2);
    expect(messages[1]).toEqual({ role: 'user', content: 'Make an event.' });
    const system = messages[0].content;
    expect(messages[0].role).toBe('system');
    expect(system.startsWith('The desired outcome of this task: The calendar holds exactly the event asked for.\n\nBe precise about time zones.')).toBe(true);
    expect(system).toContain('Reply with only one JSON value that validates against this JSON Schema:');
    expect(system).toContain(JSON.stringify(EXTRACT.schema, null, 2));
    expect(system).toContain('no code fences');
  });

  test('a text step has no JSON instruction', () => {
    const messages = buildMessages(SKILL, SUMMARY, 'Summarise.');
    expect(messages[0].content).toBe('The desired outcome of this task: The calendar holds exactly the event asked for.');
  });
});

describe('parseStepOutput', () => {
  test('a text step gives the trimmed text; an empty reply is an error', () => {
    expect(parseStepOutput(SUMMARY, '  Three posts about rust.\n')).toEqual({ ok: true, value: 'Three posts about rust.' });
    expect(parseStepOutput(SUMMARY, ' \n')).toEqual({ ok: false, errors: ['the reply was empty'] });
  });

  test('bare JSON, fenced JSON and JSON inside prose are all read', () => {
    const text = JSON.stringify(EVENT);
    expect(parseStepOutput(EXTRACT, text)).toEqual({ ok: true, value: EVENT });
    expect(parseStepOutput(EXTRACT, `\`\`\`json\n${text}\n\`\`\``)).toEqual({ ok: true, value: EVENT });
    expect(parseStepOutput(EXTRACT, `Here is the event: ${JSON.stringify(EVENT, null, 2)}\nLet me know {if} you need more.`)).toEqual({ ok: true, value: EVENT });
  });

  test('braces inside strings do not end the JSON early', () => {
    const tricky = { title: 'Team {sync} "weekly" }', start: EVENT.start };
    expect(parseStepOutput(EXTRACT, `Sure! ${JSON.stringify(tricky)} done`)).toEqual({ ok: true, value: tricky });
  });

  test('invalid JSON is reported', () => {
    const result = parseStepOutput(EXTRACT, '{"title": "Dentist", start: 3pm}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^the reply is not valid JSON \(/);
  });

  test('schema errors are readable lines', () => {
    const result = parseStepOutput(EXTRACT, '{"title": 5, "start": "2026-03-13 15:00", "room": "2"}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContain('title: must be string');
    expect(result.errors).toContain('start: must be a date-time string such as 2026-03-07T15:00:00+00:00 (with offset)');
    expect(result.errors).toContain("(the whole value): property 'room' is not allowed");
    const missing = parseStepOutput(EXTRACT, '{"title": "x"}');
    expect(missing.ok ? [] : missing.errors).toEqual(["(the whole value): missing required property 'start'"]);
  });

  test('a date-time without an offset is refused', () => {
    expect(parseStepOutput(EXTRACT, '{"title": "x", "start": "2026-03-13T15:00:00"}').ok).toBe(false);
  });
});

describe('repairMessages', () => {
  test('adds the bad reply and one request quoting the errors', () => {
    const messages = buildMessages(SKILL, EXTRACT, 'Make an event.');
    const repaired = repairMessages(messages, '{"title": 5}', ['title: must be string', "(the whole value): missing required property 'start'"]);
    expect(repaired.slice(0, 2)).toEqual(messages);
    expect(repaired[2]).toEqual({ role: 'assistant', content: '{"title": 5}' });
    expect(repaired[3].role).toBe('user');
    expect(repaired[3].content).toBe(
      "Your reply could not be used:\n- title: must be string\n- (the whole value): missing required property 'start'\nReply again with only the corrected JSON value: no prose, no code fences.",
    );
    expect(messages).toHaveLength(2);
  });
});
