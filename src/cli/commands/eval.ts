// portai eval <skill> — exit 0 when every case that ran passed (or the eval was queued with --defer), 1 when one failed,
// 3 when nothing could run
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { createProgress } from '../../runner/progress.js';

export interface EvalCommandOptions {
  models?: string;
  repeat?: string;
  json?: boolean;
  junit?: string;
  dryRun?: boolean;
  defer?: boolean;
}

export default async function evalCommand(globals: GlobalOptions, name: string, options: EvalCommandOptions): Promise<number> {
  const loaded = await loadConfigFor(globals);
  const { loadSkillRef } = await import('../../skills/index.js');
  const { loadSkillTests, runEval, evalDryRun, formatDryRun, formatMatrix, junitXml } = await import('../../evals/index.js');
  const skill = loadSkillRef(name, loaded.skills_dirs);
  const tests = loadSkillTests(skill);
  if (!tests || (tests.cases.length === 0 && tests.render.length === 0)) {
    throw new BadInputError(`skill ${skill.name} has no tests`, { place: { file: skill.file }, hint: `add a tests: block, or ${path.basename(skill.file).replace(/\.ya?ml$/, '')}.tests.yaml beside it (see README: Skill tests and portai eval)` });
  }
  const repeat = options.repeat === undefined ? undefined : Number(options.repeat);
  if (repeat !== undefined && (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)) throw new BadInputError(`--repeat ${options.repeat}: expected a whole number from 1 to 100`, { hint: 'e.g. --repeat 5' });
  // a report that cannot be written is bad input before anything is sent, not after the requests were paid for
  if (options.junit && !fs.existsSync(path.dirname(path.resolve(options.junit)))) {
    throw new BadInputError(`--junit ${options.junit}: the folder ${path.dirname(path.resolve(options.junit))} does not exist`, { hint: 'create it first, or write the report elsewhere' });
  }
  const models = options.models?.split(',').map((ref) => ref.trim()).filter(Boolean);
  if (options.defer && options.junit) throw new BadInputError('--junit cannot be used with --defer: the eval runs later, in the worker', { hint: 'run it now with --junit, or see the deferred results with portai eval --dry-run and portai models list' });
  if (options.defer && options.dryRun) throw new BadInputError('give either --defer or --dry-run, not both', { hint: '--dry-run shows what an eval would send; --defer queues it for the worker' });
  const ledger = await openLedgerFor();
  try {
    const { withCatalogModels } = await import('../../catalog/admit.js');
    const config = withCatalogModels(loaded, ledger);
    if (options.defer) {
      const { deferEval, evalReserve } = await import('../../queue/eval-job.js');
      const { chooseCandidates } = await import('../../evals/index.js');
      // checked now, so a bad --models is exit 2 at once rather than a failed job later
      if (models) chooseCandidates({ config, ledger, skill, tests, models, env: process.env });
      const queued = deferEval(ledger, skill, { ...(models ? { models } : {}), ...(repeat ? { repeat } : {}), reason: 'portai eval --defer' }, Date.now());
      if (options.json) printJson({ job_id: queued.job_id, run_id: queued.run_id, skill: skill.name, state: 'queued' });
      else process.stdout.write(`${queued.job_id}\n`);
      process.stderr.write(`queued the eval of ${skill.name} as job ${queued.job_id}; \`portai worker\` runs it when no ordinary run waits, and stops while less than ${Math.round(evalReserve(config) * 100)}% of a window is left (see: portai queue list)\n`);
      return 0;
    }
    if (options.dryRun) {
      const dry = evalDryRun({ config, ledger, skill, tests, models, repeat, env: process.env });
      if (options.json) printJson(dry);
      else process.stdout.write(`${formatDryRun(dry).join('\n')}\n`);
      return 0;
    }
    const report = await runEval({ config, ledger, skill, tests, models, repeat, env: process.env, progress: createProgress() });
    if (options.junit) writeAtomically(options.junit, junitXml(report));
    if (options.json) printJson(report);
    else {
      if (report.candidates.length > 0 && report.cases.length > 0) process.stdout.write(`${formatMatrix(report).join('\n')}\n`);
      for (const item of report.render) process.stdout.write(`render ${item.case_id}: ${item.pass ? 'pass' : `FAIL — ${item.problems.join('; ')}`}\n`);
      for (const run of report.runs.filter((item) => item.status !== 'pass')) process.stderr.write(`portai: ${run.case_id} on ${run.candidate}: ${run.status === 'fail' ? 'failed' : 'not run'} — ${run.problem ?? ''}\n`);
    }
    if (report.cases.length > 0 && report.candidates.length === 0) {
      process.stderr.write('portai: no candidate can run the cases now; every one was refused by a guard:\n');
      for (const rejection of report.rejected) process.stderr.write(`portai:   ${rejection.ref} — ${rejection.guard}: ${rejection.reason}\n`);
    }
    const failed = report.runs.some((run) => run.status === 'fail') || report.render.some((item) => !item.pass);
    if (failed) return 1;
    const nothingRan = report.cases.length > 0 && !report.runs.some((run) => run.status !== 'not_run');
    return nothingRan ? 3 : 0;
  } finally {
    ledger.close();
  }
}

/** A report file is whole or absent, never half-written. */
function writeAtomically(file: string, text: string): void {
  const target = path.resolve(file);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new BadInputError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: 'check the folder exists and is writable' });
  }
}
