// portai ledger migrate --to postgres://user@host/db — copy this machine's SQLite ledger into the shared one
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';

export default async function ledgerMigrate(_globals: GlobalOptions, options: { to: string }): Promise<number> {
  const { Ledger, ledgerHome } = await import('../../ledger/index.js');
  const { PostgresDb } = await import('../../ledger/postgres/postgres-db.js');
  const { maskUrl, urlHasPassword } = await import('../../ledger/postgres/sql.js');
  const { copyLedger } = await import('../../ledger/copy-ledger.js');
  if (!/^postgres(ql)?:\/\//.test(options.to)) throw new BadInputError(`--to ${maskUrl(options.to)}: expected a postgres:// URL`, { hint: 'e.g. --to postgres://portai@db.lan:5432/portai' });
  if (urlHasPassword(options.to)) {
    throw new BadInputError(`--to ${maskUrl(options.to)}: the URL holds a password (shell history and the process list would show it)`, { hint: 'remove it from the URL and set PGPASSWORD, or put it in ~/.pgpass' });
  }
  const file = path.join(ledgerHome(), 'ledger.db');
  if (!fs.existsSync(file)) throw new BadInputError(`no SQLite ledger to copy at ${file}`, { hint: 'set PORTAI_HOME to the state folder that holds ledger.db' });
  const source = new Ledger(file);
  try {
    const target = new Ledger(new PostgresDb(options.to));
    try {
      const counts = copyLedger(source.db, target.db);
      process.stdout.write(`copied ${file} into ${target.file}\n`);
      for (const count of counts) process.stdout.write(`  ${count.table.padEnd(15)} ${String(count.copied).padStart(7)} copied, ${count.read - count.copied} already there\n`);
      process.stdout.write(`use it on this machine with ledger: { url: ${target.file} } in portai.yaml, or PORTAI_LEDGER_URL\n`);
      return 0;
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}
