// Skills that fail to load, and private skills whose routes reach only models that may train on
// prompts (such a skill would always end blocked by the privacy guard).
import type { Config, LlmStep, Skill, StepTraits } from '../types.js';
import { listSkills, loadSkill } from '../skills/index.js';
import { expandRefs, candidateFacts, matchRule } from '../router/index.js';
import { configName } from '../router/config-name.js';
import { refusalText, refusedForPrivate } from '../router/privacy-fix.js';
import { fixesFor } from './check-privacy.js';
import type { Finding } from './finding.js';

export function skillFindings(config: Config): Finding[] {
  const findings: Finding[] = [];
  const listed = listSkills(config.skills_dirs);
  let loaded = 0;
  for (const entry of listed) {
    if (entry.error) {
      findings.push({ level: 'problem', text: `skill ${entry.name} does not load: ${entry.error.split('\n')[0]}`, fix: `portai skills validate ${entry.file}` });
      continue;
    }
    loaded += 1;
    findings.push(...privacyFindings(config, loadSkill(entry.file)));
  }
  if (loaded > 0 && !findings.some((finding) => finding.level !== 'ok')) findings.push({ level: 'ok', text: `${loaded} skill${loaded === 1 ? '' : 's'} load and can be routed` });
  return findings;
}

/** One finding per private skill step that no route serves, or whose route reaches only training models. */
export function privacyFindings(config: Config, skill: Skill): Finding[] {
  const privacy = skill.privacy ?? config.defaults.privacy;
  const findings: Finding[] = [];
  for (const step of skill.steps) {
    if (step.kind !== 'llm') continue;
    const traits = traitsOf(skill, step, privacy);
    const rule = matchRule(config.routes, traits);
    if (rule === null) {
      findings.push({ level: 'problem', text: `skill ${skill.name}, step ${step.id}: no route matches it`, fix: `add a catch-all route (a rule without when:) to ${configName(config)}` });
      continue;
    }
    if (privacy !== 'private') continue;
    const use = config.routes[rule].use;
    const reached = expandRefs(use, config).map(({ ref }) => candidateFacts(config, ref));
    if (reached.some(({ provider, model }) => !refusedForPrivate(provider, model))) continue;
    findings.push({
      level: 'problem',
      text: `private skill ${skill.name}, step ${step.id}: every candidate of routes[${rule}] is refused for private skills (${reached.map(({ provider, model }) => refusalText(provider, model)).join(', ')}), so it is always blocked`,
      fix: `${fixesFor(config, reached, use).join('; ')} (in ${skill.file} if its data is not private)`,
    });
  }
  return findings;
}

function traitsOf(skill: Skill, step: LlmStep, privacy: StepTraits['privacy']): StepTraits {
  return { skill: skill.name, step: step.id, effort: step.effort, privacy, tags: [...skill.tags, ...(step.tag ? [step.tag] : [])], prompt_chars: 0 };
}
