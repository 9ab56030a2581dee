// The SQLite file and a cache of prepared statements (prepare once per process, run many times).
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFolder, tightenFile } from './home.js';
import { foreignTables, migrate } from './migrations.js';
import { foreignLedger, ledgerFileProblem } from './ledger-file-problem.js';
import { guardDisk, isDiskFault, ledgerWriteError } from './disk-fault.js';

export class Db {
  readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly file: string) {
    let sqlite: Database.Database | undefined;
    try {
      ensurePrivateFolder(path.dirname(file));
      sqlite = new Database(file);
      sqlite.pragma('busy_timeout = 5000');
      const foreign = foreignTables(sqlite);
      if (foreign) throw foreignLedger(file, foreign);
      // before the WAL exists: SQLite gives the -wal and -shm files the main file's mode, so all three are 0600
      tightenFile(file);
      sqlite.pragma('journal_mode = WAL');
      for (const companion of [`${file}-wal`, `${file}-shm`]) tightenFile(companion);
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      migrate(sqlite);
    } catch (error) {
      sqlite?.close();
      // a full disk is a fault of the machine (exit 3), a bad file or folder is bad input (exit 2)
      if (isDiskFault(error)) throw ledgerWriteError(file, error);
      throw ledgerFileProblem(error, file) ?? error;
    }
    this.sqlite = sqlite;
  }

  /** Prepared once; running it maps a full disk or an I/O error to one clear error (disk-fault.ts). */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = guarded(this.sqlite.prepare(sql), this.file);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** BEGIN IMMEDIATE: takes the write lock first, so a read-check-write cannot interleave with another process. */
  immediate<T>(work: () => T): T {
    return guardDisk(this.file, () => this.sqlite.transaction(work).immediate());
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

const RUNNING = new Set(['run', 'get', 'all', 'iterate']);

function guarded(statement: Database.Statement, file: string): Database.Statement {
  return new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (RUNNING.has(property as string)) return (...args: unknown[]) => guardDisk(file, () => value.apply(target, args));
      return value.bind(target);
    },
  });
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const parseJson = (text: string | null | undefined): unknown => (text === null || text === undefined ? null : JSON.parse(text));
