// Piped standard input as a skill input (`echo text | portai run skill summarize`, as `llm` users expect):
// it fills the input marked `stdin: true`, else the skill's only required string input. Where that is not
// clear, or the input is also given another way, the run is refused rather than guessing.
import { BadInputError } from '../errors.js';
import type { Skill } from '../types.js';

export type StdinTarget = { input: string } | { ambiguous: string[] } | null;

export function stdinTarget(skill: Skill): StdinTarget {
  if (skill.stdin_input) return { input: skill.stdin_input };
  const strings = skill.required.filter((name) => {
    const type = skill.inputs[name]?.type;
    return type === undefined || type === 'string';
  });
  if (strings.length === 1) return { input: strings[0] };
  return strings.length > 1 ? { ambiguous: strings } : null;
}

/** The given inputs with the piped text bound; `piped` undefined means nothing was piped in. */
export function bindStdin(skill: Skill, given: Record<string, unknown>, piped: string | undefined): Record<string, unknown> {
  const target = stdinTarget(skill);
  if (piped === undefined || target === null) return given;
  if ('ambiguous' in target) {
    throw new BadInputError(`standard input was piped in, but skill ${skill.name} has several required string inputs (${target.ambiguous.join(', ')}) and none says stdin: true`, {
      place: { file: skill.file, field: 'inputs' },
      hint: `mark the one to fill with stdin: true, or give them with ${target.ambiguous.map((name) => `-i ${name}=…`).join(' ')} and pipe nothing`,
    });
  }
  if (given[target.input] !== undefined) {
    throw new BadInputError(`input '${target.input}' of ${skill.name} is given with -i or --input-json and standard input was piped in too`, {
      hint: `use one: pipe the text in, or give -i ${target.input}=… (redirect stdin from /dev/null when a script passes -i)`,
    });
  }
  return { ...given, [target.input]: piped };
}
