// portai doctor [--json] — keys, endpoints, quotas, risky config; exit 1 when something needs action
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { doctorExitCode, formatFindings, runDoctor } from '../../doctor/index.js';
import { closeConnections } from '../../wire/index.js';

export default async function doctor(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const findings = await runDoctor({ config, ledger, env: process.env, now_ms: Date.now() });
    if (options.json) printJson(findings);
    else process.stdout.write(formatFindings(findings));
    return doctorExitCode(findings);
  } finally {
    ledger.close();
    await closeConnections();
  }
}
