// New free models are tried before they are trusted: when a catalog sync finds a free model a route pattern admits
// (or an admitted one whose price or context changed), each skill with tests whose steps that route serves gets a
// deferred eval on that model alone. It runs on spare quota (eval-job.ts); under `quality.untested: avoid | deny`
// the router keeps the model out of that skill until it passes (quality-guard.ts).
import type { Config, LlmStep, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import type { SyncReport } from '../catalog/types.js';
import { admittedRows, withCatalogModels } from '../catalog/admit.js';
import { expandRefs, matchRule } from '../router/index.js';
import { skillsWithTests } from '../evals/index.js';
import { traitsOf } from '../runner/run-skill.js';
import { deferEval, pendingEval } from './eval-job.js';

export interface Trial {
  model: string;
  skill: string;
  /** null when an eval of that skill on that model was already queued */
  job_id: string | null;
  why: 'new' | 'changed';
}

export function queueTrials(config: Config, ledger: Ledger, reports: SyncReport[], now: number): Trial[] {
  const routing = withCatalogModels(config, ledger);
  const skills = testedSkills(config);
  const trials: Trial[] = [];
  for (const report of reports) {
    if (!report.ok) continue;
    const provider = config.providers[report.provider];
    if (!provider) continue;
    const current = ledger.catalogOf(provider.name);
    const admitted = new Set(admittedRows(config, provider, current).map((row) => row.id));
    const previous = new Map(ledger.previousCatalog(provider.name).map((row) => [row.id, row]));
    const changed = current.filter((row) => {
      const before = previous.get(row.id);
      return admitted.has(row.id) && before !== undefined && (before.prompt_price !== row.prompt_price || before.completion_price !== row.completion_price || before.context !== row.context);
    });
    const models = [
      ...report.new_free.filter((id) => admitted.has(id)).map((id) => ({ id, why: 'new' as const })),
      ...changed.map((row) => ({ id: row.id, why: 'changed' as const })),
    ];
    for (const { id, why } of models) {
      const ref = `${provider.name}/${id}`;
      for (const skill of skills) {
        if (!servedBy(routing, skill, ref)) continue;
        const pending = pendingEval(ledger, skill.skill.name, [ref]);
        const job_id = pending ? null : deferEval(ledger, skill.skill, { models: [ref], reason: `models sync: ${why === 'new' ? 'new free model' : 'catalog entry changed'} ${ref}` }, now).job_id;
        trials.push({ model: ref, skill: skill.skill.name, job_id, why });
      }
    }
  }
  return trials;
}

interface TestedSkill {
  skill: Skill;
  /** the LLM steps its cases check */
  steps: LlmStep[];
}

function testedSkills(config: Config): TestedSkill[] {
  return skillsWithTests(config).map(({ skill, tests }) => {
    const ids = new Set(tests.cases.map((testCase) => testCase.step));
    return { skill, steps: skill.steps.filter((step): step is LlmStep => step.kind === 'llm' && ids.has(step.id)) };
  });
}

/** Some tested step of the skill is routed by a rule whose candidates include the model. */
function servedBy(config: Config, tested: TestedSkill, ref: string): boolean {
  const privacy = tested.skill.privacy ?? config.defaults.privacy;
  return tested.steps.some((step) => {
    const rule = matchRule(config.routes, traitsOf(tested.skill, step, privacy, []));
    return rule !== null && expandRefs(config.routes[rule].use, config).some((expanded) => expanded.ref === ref);
  });
}
