// The ledger's one door to its database: statements (run/get/all, `?` or `@name` parameters) and immediate
// transactions. Two implementations: SqliteDb (the embedded default, here) and PostgresDb (ledger/postgres/).
// Every value bound to a statement passes the redactor first: redacting at this boundary means no writer
// (attempt errors, run errors, health reasons, job reasons, outputs, plans) can put a key in the ledger.
import path from 'node:path';
import Database from 'better-sqlite3';
import { redact } from '../redact.js';
import { ensurePrivateFolder, tightenFile } from './home.js';
import { foreignTables, migrate } from './migrations.js';
import { foreignLedger, ledgerFileProblem } from './ledger-file-problem.js';
import { guardDisk, isDiskFault, ledgerWriteError } from './disk-fault.js';

/** What a write reports; `changes` is the number of rows it touched. */
export interface RunResult {
  changes: number;
}

/** A statement whose bound strings are redacted. */
export interface Statement {
  run(...parameters: unknown[]): RunResult;
  get(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}

export type Dialect = 'sqlite' | 'postgres';

/** What the ledger's modules need from a database, and no more. */
export interface Db {
  readonly dialect: Dialect;
  /** the file, or the database URL with its password masked: for messages */
  readonly file: string;
  statement(sql: string): Statement;
  /** A transaction that takes the ledger's write lock first, so a read-check-write cannot interleave with another process. */
  immediate<T>(work: () => T): T;
  /** The clock every window and lease is measured by: the local one for SQLite, the database server's for PostgreSQL. */
  now(): number;
  close(): void;
}

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Statement>();
  /** made once (better-sqlite3 builds a transaction's wrappers each time it is asked for one); nested calls become savepoints */
  private readonly transaction: Database.Transaction<(work: () => unknown) => unknown>;

  /** `readonly`: a reader (the dashboard) of a ledger that exists and is migrated; it can never write. */
  constructor(readonly file: string, options: { readonly?: boolean } = {}) {
    let sqlite: Database.Database | undefined;
    if (options.readonly) {
      try {
        sqlite = new Database(file, { readonly: true, fileMustExist: true });
        sqlite.pragma('busy_timeout = 5000');
      } catch (error) {
        sqlite?.close();
        throw ledgerFileProblem(error, file) ?? error;
      }
      this.sqlite = sqlite;
      this.transaction = sqlite.transaction((work) => work());
      return;
    }
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
    this.transaction = sqlite.transaction((work) => work());
  }

  /**
   * Prepared once; the strings bound to a write are redacted, and running it maps a full disk or an I/O error to one
   * clear error (disk-fault.ts). A read stores nothing, so its values (names, ids, times) are bound as they are.
   */
  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const prepared = this.sqlite.prepare(sql);
      const file = this.file;
      const bind = prepared.readonly ? (parameters: unknown[]) => parameters : redactParameters;
      statement = {
        run: (...parameters) => guardDisk(file, () => prepared.run(...bind(parameters))),
        get: (...parameters) => guardDisk(file, () => prepared.get(...bind(parameters))),
        all: (...parameters) => guardDisk(file, () => prepared.all(...bind(parameters))),
      };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** BEGIN IMMEDIATE: takes the write lock first, so a read-check-write cannot interleave with another process. */
  immediate<T>(work: () => T): T {
    return guardDisk(this.file, () => this.transaction.immediate(work) as T);
  }

  now(): number {
    return Date.now();
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** Positional strings, and the string values of a named-parameter object. */
export function redactParameters(parameters: unknown[]): unknown[] {
  return parameters.map((parameter) => {
    if (typeof parameter === 'string') return redact(parameter);
    if (Array.isArray(parameter)) return redactParameters(parameter);
    if (parameter && typeof parameter === 'object' && !Buffer.isBuffer(parameter)) {
      return Object.fromEntries(Object.entries(parameter).map(([name, value]) => [name, typeof value === 'string' ? redact(value) : value]));
    }
    return parameter;
  });
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const parseJson = (text: string | null | undefined): unknown => (text === null || text === undefined ? null : JSON.parse(text));
