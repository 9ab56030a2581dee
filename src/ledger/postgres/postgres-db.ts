// The ledger on PostgreSQL: the same statements and transactions as SQLite's, through a synchronous bridge to a
// worker that owns the connection (bridge.ts). Every window and lease is measured by the server's clock, so two
// machines whose clocks disagree still share one quota day and one lease.
import { BadInputError } from '../../errors.js';
import { rememberSecrets } from '../../redact.js';
import { type Db, redactParameters, type RunResult, type Statement } from '../db.js';
import { MIGRATIONS } from '../migrations.js';
import { BridgeError, SyncBridge } from './bridge.js';
import { bindValues, maskUrl, toPostgresDdl, toPostgresDialect, toPostgresParameters, type Translated } from './sql.js';

/**
 * pg_advisory_xact_lock key of the ledger's write lock: one per database (any fixed number; "portai" in ASCII).
 * Held until the transaction ends, released by the server when the session dies
 * (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS).
 */
export const LEDGER_LOCK_KEY = 0x706f72746169;

/** A first connection waits this long for a server that is starting; past it the command stops (exit 2). */
const CONNECT_WAIT_MS = 5_000;
/** A statement the server has not finished in this time is cancelled there (statement_timeout, lock_timeout). */
const STATEMENT_TIMEOUT_MS = 10_000;

/** The shared ledger cannot be reached (server down, network split, no answer in time): nothing is sent, exit 2. */
export class LedgerUnreachableError extends BadInputError {}

export interface PostgresOptions {
  connectWaitMs?: number;
  statementTimeoutMs?: number;
}

export class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly file: string;
  private readonly bridge: SyncBridge;
  private readonly statements = new Map<string, Statement>();
  private depth = 0;
  /** the connection failed inside the open transaction: nothing more may run in it (it would run outside it, unlocked) */
  private lost = false;
  /** server clock − local clock, ms: measured at connection and at the start of every transaction */
  private offset = 0;

  constructor(readonly url: string, options: PostgresOptions = {}) {
    this.file = maskUrl(url);
    rememberSecrets([safePassword(url), process.env.PGPASSWORD]);
    this.bridge = new SyncBridge({ url, connectWaitMs: options.connectWaitMs ?? CONNECT_WAIT_MS, statementTimeoutMs: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS });
    try {
      this.measure(() => this.call<{ nowMs: number }>({ op: 'open' }));
      this.migrate();
    } catch (error) {
      this.bridge.stop();
      throw error;
    }
  }

  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const translated = toPostgresParameters(toPostgresDialect(sql));
      const query = (parameters: unknown[]) => this.query(translated, redactParameters(parameters));
      statement = {
        run: (...parameters): RunResult => ({ changes: query(parameters).rowCount }),
        get: (...parameters) => query(parameters).rows[0],
        all: (...parameters) => query(parameters).rows,
      };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** BEGIN, then the ledger's advisory lock (held to COMMIT): no other process on any machine runs its check meanwhile. */
  immediate<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.measure(() => this.call<{ nowMs: number }>({ op: 'begin', lockKey: LEDGER_LOCK_KEY }));
    this.depth++;
    this.lost = false;
    let result: T;
    try {
      result = work();
    } catch (error) {
      this.depth--;
      this.lost = false;
      try {
        this.call({ op: 'rollback' });
      } catch {
        // the connection is gone: the server rolls the transaction back by itself
      }
      throw error;
    }
    this.depth--;
    this.call({ op: 'commit' });
    return result;
  }

  now(): number {
    return Math.round(Date.now() + this.offset);
  }

  close(): void {
    try {
      this.call({ op: 'end' });
    } catch {
      // closing a ledger whose server is gone is not an error
    }
    this.bridge.stop();
  }

  /**
   * The server reads its clock last (after the lock, at BEGIN), so the answer's arrival is the closer local time:
   * waiting for the lock behind another machine does not skew the offset.
   */
  private measure(ask: () => { nowMs: number }): void {
    const { nowMs } = ask();
    this.offset = nowMs - Date.now();
  }

  private query(translated: Translated, parameters: unknown[]): { rows: unknown[]; rowCount: number } {
    return this.call({ op: 'query', text: translated.text, values: bindValues(translated, parameters) });
  }

  private exec(sql: string): void {
    this.call({ op: 'exec', text: sql });
  }

  private call<T>(request: Record<string, unknown>): T {
    if (this.lost && this.depth > 0) throw new LedgerUnreachableError(`the connection to the ledger database ${this.file} was lost inside a transaction`);
    try {
      return this.bridge.call<T>(request);
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error;
      if (error.failure.connection && this.depth > 0) this.lost = true;
      throw this.mapError(error);
    }
  }

  private mapError(error: BridgeError): Error {
    const { failure } = error;
    const what = failure.code ? `${failure.code}: ${failure.message}` : failure.message;
    if (failure.connection) {
      return new LedgerUnreachableError(`cannot reach the ledger database ${this.file} (${what})`, {
        hint: 'start the database or fix ledger.url / PORTAI_LEDGER_URL; nothing metered or on a subscription runs without it, free-only work can go on with --offline',
      });
    }
    // 57014 statement_timeout, 55P03 lock_timeout (the ledger's lock held too long by another machine): too slow to trust
    if (failure.code === '57014' || failure.code === '55P03') {
      return new LedgerUnreachableError(`the ledger database ${this.file} did not answer in time (${what})`, {
        hint: 'the database is overloaded, or another machine holds the ledger lock across a network split (its session ends within seconds); try again',
      });
    }
    // 28P01 wrong password, 28000 no such role or not allowed, 3D000 no such database
    // node-postgres reports a server that asks for a password none was given for as a plain error without a code
    if ((failure.code && /^(28|3D)/.test(failure.code)) || /password/i.test(failure.message)) {
      return new BadInputError(`the ledger database ${this.file} refused the connection (${what})`, {
        hint: 'set the password in PGPASSWORD or ~/.pgpass (never in portai.yaml), and check the user and database names in the URL',
      });
    }
    const sqlError = new Error(`ledger database ${this.file}: ${what}`);
    (sqlError as { code?: string }).code = failure.code;
    return sqlError;
  }

  /** The same named migrations as SQLite's, each applied once under the ledger's lock (two machines may start together). */
  private migrate(): void {
    // under the lock: two machines creating the same table at once can collide in PostgreSQL's catalog
    this.immediate(() => {
      const tables = this.statement(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`).all() as Array<{ table_name: string }>;
      const names = tables.map((table) => table.table_name);
      if (!names.includes('migrations') && names.length > 0) {
        const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
        throw new BadInputError(`the ledger database ${this.file} holds other tables (${shown}) and no portai migrations`, {
          hint: 'give portai a database of its own: createdb --owner portai portai, then postgres://portai@host/portai',
        });
      }
      this.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_utc TEXT NOT NULL)');
    });
    const isApplied = this.statement('SELECT 1 AS applied FROM migrations WHERE name = ?');
    const record = this.statement('INSERT INTO migrations (name, applied_utc) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (isApplied.get(migration.name)) continue;
      this.immediate(() => {
        if (isApplied.get(migration.name)) return;
        migration.up({
          exec: (sql: string) => this.exec(toPostgresDdl(sql)),
          prepare: (sql: string) => ({
            run: (...parameters: unknown[]) => this.statement(sql).run(...parameters),
            iterate: (...parameters: unknown[]) => this.statement(sql).all(...parameters)[Symbol.iterator](),
          }),
        });
        record.run(migration.name, new Date(this.now()).toISOString());
      });
    }
  }
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
