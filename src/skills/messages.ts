// The messages of an LLM step: the skill's outcome and the step's system text as the system message,
// a precise JSON instruction for schema steps, and the rendered prompt as the user message.
import type { ChatMessage, LlmStep, Skill } from '../types.js';

export function buildMessages(skill: Skill, step: LlmStep, renderedPrompt: string, renderedSystem?: string): ChatMessage[] {
  const parts = [`The desired outcome of this task: ${skill.outcome.trim()}`];
  if (renderedSystem && renderedSystem.trim()) parts.push(renderedSystem.trim());
  if (step.schema) parts.push(jsonInstruction(step.schema));
  return [
    { role: 'system', content: parts.join('\n\n') },
    { role: 'user', content: renderedPrompt },
  ];
}

export function jsonInstruction(schema: object): string {
  return [
    'Reply with only one JSON value that validates against this JSON Schema:',
    JSON.stringify(schema, null, 2),
    'No prose before or after it, no code fences, no comments.',
  ].join('\n');
}

/** The one repair request: the conversation so far, the invalid reply, and what was wrong with it. */
export function repairMessages(messages: ChatMessage[], badText: string, errors: string[]): ChatMessage[] {
  const content = [
    'Your reply could not be used:',
    ...errors.map((error) => `- ${error}`),
    'Reply again with only the corrected JSON value: no prose, no code fences.',
  ].join('\n');
  return [...messages, { role: 'assistant', content: badText }, { role: 'user', content }];
}
