// Which ledger a command uses: PORTAI_LEDGER_URL, else the config's `ledger.url` (a shared PostgreSQL database),
// else the SQLite file in PORTAI_HOME. `--offline` takes the local file even when a shared one is configured.
import path from 'node:path';
import { ledgerHome } from './home.js';
import { Ledger } from './ledger.js';
import { maskUrl } from './postgres/sql.js';

export interface LedgerChoice {
  /** `ledger.url` from the config */
  configUrl?: string;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  /** where `--offline` says what it does */
  warn?: (line: string) => void;
}

export function sharedLedgerUrl(choice: Pick<LedgerChoice, 'configUrl' | 'env'>): string | undefined {
  const env = choice.env ?? process.env;
  return env.PORTAI_LEDGER_URL || choice.configUrl || undefined;
}

/** Async only for the shared ledger's code, loaded when a URL names one: most machines never run it. */
export async function openChosenLedger(choice: LedgerChoice = {}): Promise<Ledger> {
  const env = choice.env ?? process.env;
  const url = sharedLedgerUrl(choice);
  if (choice.offline) {
    const ledger = new Ledger(path.join(ledgerHome(env), 'ledger.db'));
    ledger.offline = true;
    const shared = url ? ` instead of the shared ledger ${maskUrl(url)}` : '';
    choice.warn?.(`portai: offline: using the local ledger ${ledger.file}${shared}; only free models run (metered and subscription requests are refused until the shared ledger is back)`);
    return ledger;
  }
  if (url) {
    const { PostgresDb } = await import('./postgres/postgres-db.js');
    return new Ledger(new PostgresDb(url));
  }
  return new Ledger(path.join(ledgerHome(env), 'ledger.db'));
}
