// portai runs show <id> [--json] — per step: the rendered prompt, the plan, every attempt (model, status, tokens,
// cost, time); then the output. The id is a run id or the id of the queue job that holds the run.
import { BadInputError } from '../../errors.js';
import { openLedgerFor, printJson, printOutput, type GlobalOptions } from '../context.js';
import type { AttemptRow } from '../../ledger/index.js';
import { runDetail } from '../../report/run-detail.js';

export default async function runsShow(_globals: GlobalOptions, id: string, options: { json?: boolean }): Promise<number> {
  const ledger = await openLedgerFor();
  try {
    const detail = runDetail(ledger, id);
    if (!detail) throw new BadInputError(`no run with id ${id}`, { hint: 'see the ids with: portai runs list' });
    if (options.json) {
      printJson(detail);
      return 0;
    }
    const { attempts, plans, prompts, effects, ...run } = detail;
    const { formatPlan } = await import('../../router/index.js');
    const out = (line = '') => process.stdout.write(`${line}\n`);
    out(`run ${run.id} · ${run.skill} · ${run.status}`);
    out(`started ${run.started_utc}${run.finished_utc ? ` · finished ${run.finished_utc}` : ''}`);
    out(`skill file ${run.skill_file} (sha256 ${run.skill_hash.slice(0, 12)}${run.skill_commit ? `, commit ${run.skill_commit.slice(0, 10)}` : ''})`);
    out(`inputs ${JSON.stringify(run.inputs)}`);
    if (run.status === 'interrupted') out(`interrupted: its process (pid ${run.owner_pid} on ${run.owner_host}) is gone — resume it with: portai runs resume ${run.id}`);
    for (const { step_id, plan } of plans) {
      out();
      out(`step ${step_id}`);
      for (const message of prompts.find((prompt) => prompt.step_id === step_id)?.messages ?? []) {
        out(`  ${message.role} prompt:`);
        out(message.content.replace(/^/gm, '    | '));
      }
      for (const line of formatPlan(plan)) out(`  ${line}`);
      for (const [index, attempt] of attempts.filter((row) => row.step_id === step_id).entries()) out(`  attempt ${index + 1}: ${attemptLine(attempt)}`);
    }
    for (const effect of effects) {
      out();
      const key = effect.idempotency_key ? `Idempotency-Key ${effect.idempotency_key}` : 'no Idempotency-Key';
      out(`step ${effect.step_id} · ${effect.state} · ${key} · sent ${effect.sends} time${effect.sends === 1 ? '' : 's'} · last ${effect.started_utc}`);
    }
    if (run.error) {
      out();
      out(run.error);
    }
    if (run.output !== null && run.output !== undefined) {
      out();
      out('output:');
      printOutput(run.output);
    }
    return 0;
  } finally {
    ledger.close();
  }
}

/** model, status, tokens, cost and time of one attempt; a fact the provider did not report says so */
function attemptLine(attempt: AttemptRow): string {
  const tokens = attempt.input_tokens === null ? 'tokens not reported' : `${attempt.input_tokens}+${attempt.output_tokens ?? 0} tokens`;
  const cost = attempt.cost_usd === null ? 'cost not reported' : `$${Number(attempt.cost_usd).toFixed(6)}`;
  const time = `${attempt.started_utc}${attempt.duration_ms === null ? '' : `, ${attempt.duration_ms} ms`}`;
  const error = attempt.error_kind ? ` · ${attempt.error_kind}${attempt.http_status ? ` (HTTP ${attempt.http_status})` : ''}: ${attempt.error_message ?? ''}` : '';
  return `${attempt.provider}/${attempt.model} ${attempt.status} · ${tokens} · ${cost} · ${time}${error}`;
}
