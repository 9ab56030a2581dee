// portai where [--json] — which config file is in use, where skills are looked up, where state and the ledger live.
import fs from 'node:fs';
import path from 'node:path';
import { ledgerHome } from '../../ledger/home.js';
import { loadConfigFor, printJson, type GlobalOptions } from '../context.js';

export default async function where(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const { shippedPresetsDir, userPresetsDir } = await import('../../config/load-presets.js');
  const { homeOf } = await import('../../config/find-config-file.js');
  const state = ledgerHome();
  const { sharedLedgerUrl } = await import('../../ledger/open.js');
  const { maskUrl } = await import('../../ledger/postgres/sql.js');
  const shared = globals.offline ? undefined : sharedLedgerUrl({ configUrl: config.ledger?.url, env: process.env });
  const facts = {
    config_file: config.file,
    skills_dirs: config.skills_dirs,
    state_dir: state,
    // a shared PostgreSQL ledger (password masked), else the SQLite file
    ledger: shared ? maskUrl(shared) : path.join(state, 'ledger.db'),
    presets_dirs: [shippedPresetsDir(), userPresetsDir(homeOf(process.env))],
  };
  if (options.json) {
    printJson(facts);
    return 0;
  }
  const missing = (target: string) => (fs.existsSync(target) ? '' : ' (does not exist yet)');
  const out = (label: string, value: string) => process.stdout.write(`${label.padEnd(8)}${value}\n`);
  out('config', config.file ?? 'built-in default (no config file found; `portai init` writes ./portai.yaml)');
  for (const [index, dir] of facts.skills_dirs.entries()) out(index === 0 ? 'skills' : '', `${dir}${missing(dir)}`);
  out('state', `${state}${missing(state)}`);
  out('ledger', shared ? facts.ledger : `${facts.ledger}${missing(facts.ledger)}`);
  for (const [index, dir] of facts.presets_dirs.entries()) out(index === 0 ? 'presets' : '', `${dir}${missing(dir)}`);
  return 0;
}
