// portai runs resume <id> — continue a failed or blocked run; finished steps are reused, not paid for again
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, printJson, printOutput, type GlobalOptions } from '../context.js';
import { createProgress } from '../../runner/progress.js';
import { exitCodeOf, jsonResult } from './run.js';

export default async function runsResume(globals: GlobalOptions, id: string, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const run = ledger.getRun(id);
    if (!run) throw new BadInputError(`no run with id ${id}`, { hint: 'see the ids with: portai runs list' });
    if (run.status === 'ok') throw new BadInputError(`run ${id} already finished`, { hint: `see its output with: portai runs show ${id}` });
    const { loadRunSkill } = await import('../../runner/load-run-skill.js');
    const skill = loadRunSkill(run, config.skills_dirs);
    const { runSkill } = await import('../../runner/run-skill.js');
    const result = await runSkill({ config, ledger, skill, given: {}, env: process.env, progress: createProgress(), runId: id });
    if (options.json) printJson(jsonResult(result));
    else if (result.status === 'ok') printOutput(result.output);
    for (const line of result.problem ?? []) process.stderr.write(`portai: ${line}\n`);
    return exitCodeOf(result);
  } finally {
    ledger.close();
  }
}
