// portai runs resume <id> [--resend | --skip-step <step>] — continue a failed, blocked or interrupted run; finished
// steps are reused, not paid for again; --resend / --skip-step settle a step that may have been sent before a crash.
// Works from any folder: the skill comes from the file and hash the run recorded, the config from the file it
// ran under (unless --config or $PORTAI_CONFIG says otherwise).
import fs from 'node:fs';
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, printJson, printOutput, type GlobalOptions } from '../context.js';
import { createProgress } from '../../runner/progress.js';
import { closeRunsOnSignal } from '../close-runs-on-signal.js';
import type { RunRow } from '../../ledger/index.js';
import { exitCodeOf, jsonResult } from './run.js';

export default async function runsResume(globals: GlobalOptions, id: string, options: { json?: boolean; resend?: boolean; skipStep?: string }): Promise<number> {
  const ledger = await openLedgerFor();
  const removeSignalHandlers = closeRunsOnSignal();
  try {
    const run = ledger.getRun(id);
    if (!run) throw new BadInputError(`no run with id ${id}`, { hint: 'see the ids with: portai runs list' });
    if (run.status === 'ok') throw new BadInputError(`run ${id} already finished`, { hint: `see its output with: portai runs show ${id}` });
    if (run.status === 'running') {
      throw new BadInputError(`run ${id} is still running (process ${run.owner_pid} on ${run.owner_host})`, { hint: 'wait for it, or stop that process first' });
    }
    const config = await loadConfigFor({ ...globals, config: globals.config ?? (process.env.PORTAI_CONFIG ? undefined : recordedConfig(run)) });
    const { loadRunSkill } = await import('../../runner/load-run-skill.js');
    const skill = loadRunSkill(run);
    if (options.resend && options.skipStep) throw new BadInputError('give either --resend or --skip-step, not both', { hint: 'choose one: send the step again, or skip it' });
    if (options.skipStep !== undefined && !skill.steps.some((step) => step.id === options.skipStep && step.kind === 'action')) {
      const actions = skill.steps.filter((step) => step.kind === 'action').map((step) => step.id);
      throw new BadInputError(`--skip-step ${options.skipStep}: ${skill.name} has no action step of that name`, { hint: actions.length ? `its action steps: ${actions.join(', ')}` : 'only http and calendar steps can be skipped' });
    }
    const job = ledger.findJob(run.id);
    if (job?.state === 'running') throw new BadInputError(`run ${id} is being worked by a worker (job ${job.id})`, { hint: 'wait for it, or see it with: portai queue list' });
    const { runSkill } = await import('../../runner/run-skill.js');
    const { withCatalogModels } = await import('../../catalog/admit.js');
    const result = await runSkill({ config: withCatalogModels(config, ledger), ledger, skill, given: {}, env: process.env, progress: createProgress(), runId: id, resend: options.resend, skipStep: options.skipStep });
    // the queue's job for this run follows what happened here, so no worker runs it a second time
    if (job && (job.state === 'waiting' || job.state === 'queued')) {
      if (result.status === 'ok') ledger.setJobState(job.id, 'done', { reason: 'finished by runs resume' });
      else if (result.status === 'failed') ledger.setJobState(job.id, 'failed', { reason: (result.problem ?? []).join(' ') });
      else if (result.awaiting_user) ledger.setJobState(job.id, 'waiting', { not_before_ms: null, reason: `waiting for you: ${(result.problem ?? []).join(' ')}`, awaiting_user: true });
    }
    if (options.json) printJson(jsonResult(result));
    else if (result.status === 'ok') printOutput(result.output);
    for (const line of result.problem ?? []) process.stderr.write(`portai: ${line}\n`);
    return exitCodeOf(result);
  } finally {
    removeSignalHandlers();
    ledger.close();
  }
}

/** The config file the run was started with, while it still exists. */
function recordedConfig(run: RunRow): string | undefined {
  return run.config_file && fs.existsSync(run.config_file) ? run.config_file : undefined;
}
