// Skills that fail to load, and private skills whose routes reach only models that may train on
// prompts (such a skill would always end blocked by the privacy guard).
import type { Config, LlmStep, Skill, StepTraits } from '../types.js';
import { listSkills, loadSkill } from '../skills/index.js';
import { expandRefs, candidateFacts, matchRule } from '../router/index.js';
import { configName } from '../router/config-name.js';
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
    const reachable = expandRefs(config.routes[rule].use, config).filter(({ ref }) => {
      const { provider, model } = candidateFacts(config, ref);
      // the privacy guard's rule: unknown counts as "may train", except on OpenRouter (data_collection: deny)
      return model.trains_on_data === false || (model.trains_on_data === undefined && provider.family === 'openrouter');
    });
    if (reachable.length === 0) {
      findings.push({
        level: 'problem',
        text: `private skill ${skill.name}, step ${step.id}: routes[${rule}] reaches only models that may train on prompts, so it is always blocked`,
        fix: `add a model with trains_on_data: false to routes[${rule}], or set privacy: public in ${skill.file} if its data is not private`,
      });
    }
  }
  return findings;
}

function traitsOf(skill: Skill, step: LlmStep, privacy: StepTraits['privacy']): StepTraits {
  return { skill: skill.name, step: step.id, effort: step.effort, privacy, tags: [...skill.tags, ...(step.tag ? [step.tag] : [])], prompt_chars: 0 };
}
