// Offline render cases: the rendered prompt only, no model call, no ledger (like dotprompt's spec tests).
import { PortaiError } from '../errors.js';
import type { Config, Skill } from '../types.js';
import { caseMessages } from './case-context.js';
import type { RenderCase } from './types.js';

export interface RenderResult {
  case_id: string;
  pass: boolean;
  problems: string[];
}

export function runRenderCases(skill: Skill, cases: RenderCase[], config: Config, env: Record<string, string | undefined>): RenderResult[] {
  return cases.map((testCase) => {
    let text: string;
    try {
      text = caseMessages(skill, testCase, config, env).messages.map((message) => message.content).join('\n\n');
    } catch (error) {
      const message = error instanceof PortaiError ? error.userLines()[0] : String((error as Error)?.message ?? error);
      return { case_id: testCase.id, pass: false, problems: [`does not render: ${message}`] };
    }
    const problems = [
      ...testCase.expect_contains.filter((part) => !text.includes(part)).map((part) => `missing ${JSON.stringify(part)}`),
      ...testCase.expect_not_contains.filter((part) => text.includes(part)).map((part) => `unexpected ${JSON.stringify(part)}`),
    ];
    return { case_id: testCase.id, pass: problems.length === 0, problems };
  });
}
