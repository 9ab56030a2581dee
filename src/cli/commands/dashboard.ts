// portai dashboard [--port N] [--open] — a read-only web page over the ledger on 127.0.0.1
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, type GlobalOptions } from '../context.js';
import { ledgerHome } from '../../ledger/home.js';

export default async function dashboard(globals: GlobalOptions, options: { port?: string; open?: boolean }): Promise<number> {
  const { DEFAULT_DASHBOARD_PORT, openBrowser, startDashboard } = await import('../../dashboard/index.js');
  const port = options.port === undefined ? DEFAULT_DASHBOARD_PORT : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BadInputError(`--port ${options.port}: expected a port number from 0 to 65535 (0: any free port)`, { hint: `e.g. --port ${DEFAULT_DASHBOARD_PORT}` });
  }
  const config = await loadConfigFor(globals);
  // opened once as every command does (created and migrated if need be), then a local SQLite ledger is read through
  // a read-only connection; a shared (PostgreSQL) ledger is read through the connection just opened
  const chosen = await openLedgerFor();
  let ledger = chosen;
  if (chosen.db.dialect === 'sqlite') {
    chosen.close();
    const { openLedger } = await import('../../ledger/index.js');
    ledger = openLedger(ledgerHome(), { readonly: true });
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let running;
  try {
    running = await startDashboard({ config, ledger, home: ledgerHome(), env: process.env, port, log });
  } catch (error) {
    ledger.close();
    throw error;
  }
  log(`portai dashboard on ${running.url} (read-only; Ctrl-C stops it). Open this link once, it signs the browser in:`);
  process.stdout.write(`${running.link}\n`);
  if (options.open) openBrowser(running.link, log);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  ledger.close();
  return 0;
}
