// portai doctor [--json] — keys, endpoints, quotas, risky config; exit 1 when something needs action
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { doctorExitCode, formatFindings, runDoctor } from '../../doctor/index.js';
import { closeConnections } from '../../wire/index.js';
import { reconcile } from '../../report/reconcile.js';
import { countFindings } from '../../doctor/check-counts.js';

export default async function doctor(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const now_ms = ledger.now();
    const findings = await runDoctor({ config, ledger, env: process.env, now_ms });
    // compared only: doctor never writes a count; `usage --reconcile` does
    findings.push(...countFindings(config, await reconcile({ config, ledger, env: process.env, now_ms, apply: false })));
    if (options.json) printJson(findings);
    else process.stdout.write(formatFindings(findings));
    return doctorExitCode(findings);
  } finally {
    ledger.close();
    await closeConnections();
  }
}
