// What a case's templates see: its inputs resolved as a run would (defaults, types), its fixed time, the
// skill's env, and the outputs of earlier steps the case gives (action steps never run in an eval).
import type { ChatMessage, Config, LlmStep, Skill } from '../types.js';
import { prepareRun } from '../runner/prepare-run.js';
import { buildMessages, renderTemplate } from '../skills/index.js';
import type { RenderCase, TestCase } from './types.js';

export function caseMessages(skill: Skill, testCase: TestCase | RenderCase, config: Config, env: Record<string, string | undefined>): { step: LlmStep; messages: ChatMessage[] } {
  const step = skill.steps.find((candidate) => candidate.id === testCase.step) as LlmStep;
  const index = skill.steps.indexOf(step);
  const clock = testCase.now ? () => Date.parse(testCase.now!) : Date.now;
  const { inputs, time } = prepareRun(skill, testCase.inputs, config, clock);
  const steps = Object.fromEntries(skill.steps.slice(0, index).map((earlier) => [earlier.id, testCase.steps[earlier.id] ?? null]));
  const context = { ...inputs, now: time.now_utc, today: time.today, env: Object.fromEntries(skill.env.map((name) => [name, env[name] ?? ''])), steps };
  const where = (field: string) => ({ file: skill.file, field: `steps[${index}].${field}` });
  const prompt = renderTemplate(step.prompt, context, where('prompt'));
  const system = step.system === undefined ? undefined : renderTemplate(step.system, context, where('system'));
  return { step, messages: buildMessages(skill, step, prompt, system) };
}
