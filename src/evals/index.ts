// The evals layer: load a skill's cases, check answers, run the matrix, store and read evidence.
export { loadSkillTests, testsFileOf } from './load-tests.js';
export { runEval, chooseCandidates, type EvalReport, type CandidateSummary } from './run-eval.js';
export { runRenderCases, type RenderResult } from './render-cases.js';
export { formatMatrix } from './format-matrix.js';
export { junitXml } from './junit.js';
export { evalDryRun, formatDryRun, type EvalDryRun } from './dry-run.js';
export { skillEvidence, skillContentHash, STALE_AFTER_MS, type SkillEvidence } from './evidence.js';
export { wilsonLowerBound, median } from './stats.js';
export type * from './types.js';
export { skillsWithTests, modelEvalCounts, type ModelEvalCount } from './skills-with-tests.js';
