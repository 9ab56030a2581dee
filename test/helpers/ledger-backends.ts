// The ledger's contract tests run on every backend: a SQLite file in a temp folder, and a fresh database on a real
// throwaway PostgreSQL cluster (test/helpers/pg-cluster.mjs). No mock of either.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger, openLedger } from '../../src/ledger/index.js';
import { PostgresDb } from '../../src/ledger/postgres/postgres-db.js';
import { startCluster, type PgCluster } from './pg-cluster.mjs';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

export interface BackendHarness {
  /** a new, empty ledger */
  open(): Promise<Ledger>;
  /** the same ledger again, as another process would open it */
  reopen(ledger: Ledger): Ledger;
  cleanup(): void;
}

let cluster: PgCluster | undefined;
let databases = 0;

export async function sharedCluster(): Promise<PgCluster> {
  cluster ??= await startCluster();
  return cluster;
}

export function stopSharedCluster(): void {
  cluster?.stop();
  cluster = undefined;
}

export function harness(backend: Backend): BackendHarness {
  const folders: string[] = [];
  const opened: Ledger[] = [];
  const track = (ledger: Ledger) => (opened.push(ledger), ledger);
  return {
    async open() {
      if (backend === 'sqlite') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-contract-'));
        folders.push(dir);
        return track(new Ledger(path.join(dir, 'ledger.db')));
      }
      const pg = await sharedCluster();
      const url = await pg.createDatabase(`contract_${process.pid}_${++databases}`);
      return track(new Ledger(new PostgresDb(url)));
    },
    reopen(ledger) {
      const db = ledger.db;
      return track(backend === 'sqlite' ? new Ledger(db.file) : new Ledger(new PostgresDb((db as PostgresDb).url)));
    },
    cleanup() {
      for (const ledger of opened.splice(0)) ledger.close();
      for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The ledger a test file runs on: the SQLite file in `home`, or — in the `postgres` test project
 * (vitest.config.ts, PORTAI_TEST_LEDGER=postgres) — a fresh database on a throwaway PostgreSQL cluster.
 * Files that use it call stopSharedCluster() in afterAll.
 */
export async function openLedgerUnderTest(home: string): Promise<Ledger> {
  if (process.env.PORTAI_TEST_LEDGER !== 'postgres') return openLedger(home);
  const pg = await sharedCluster();
  return new Ledger(new PostgresDb(await pg.createDatabase(`under_test_${process.pid}_${++databases}`)));
}

/** What a child process (a CLI worker) needs in its environment to open the same ledger. */
export function ledgerEnvOf(ledger: Ledger): Record<string, string> {
  return ledger.db.dialect === 'postgres' ? { PORTAI_LEDGER_URL: (ledger.db as PostgresDb).url } : {};
}
