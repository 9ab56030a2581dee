// The SQLite file and a cache of prepared statements (prepare once per process, run many times).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { foreignTables, migrate } from './migrations.js';
import { foreignLedger, ledgerFileProblem } from './ledger-file-problem.js';

export class Db {
  readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    let sqlite: Database.Database | undefined;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      sqlite = new Database(file);
      sqlite.pragma('busy_timeout = 5000');
      const foreign = foreignTables(sqlite);
      if (foreign) throw foreignLedger(file, foreign);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      migrate(sqlite);
    } catch (error) {
      sqlite?.close();
      throw ledgerFileProblem(error, file) ?? error;
    }
    this.sqlite = sqlite;
  }

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** BEGIN IMMEDIATE: takes the write lock first, so a read-check-write cannot interleave with another process. */
  immediate<T>(work: () => T): T {
    return this.sqlite.transaction(work).immediate();
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const parseJson = (text: string | null | undefined): unknown => (text === null || text === undefined ? null : JSON.parse(text));
