// A full disk is a fault of the machine, not a bug: every command says so in one line (the ledger, the free
// space, the fix) and exits 3; the worker stays up, says it once, and carries on when a write succeeds again.
// The state folder sits on a real 4 MB tmpfs that the test fills to the last byte.
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { mountSmallDisk, type SmallDisk } from './helpers/small-disk.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { openLedger } from '../src/ledger/index.js';
import { deferRun } from '../src/queue/defer.js';
import { runWorker } from '../src/queue/worker.js';
import { guardDisk, LedgerWriteError } from '../src/ledger/disk-fault.js';
import { EXIT } from '../src/errors.js';

const provider = useFakeProvider();
let disk: SmallDisk | undefined;
let workspace: Workspace | undefined;

afterEach(() => {
  workspace?.cleanup();
  disk?.unmount();
  disk = workspace = undefined;
});

function setup(): { workspace: Workspace; disk: SmallDisk; state: string } {
  disk = mountSmallDisk();
  const state = path.join(disk.dir, 'state');
  workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-disk-test', PORTAI_HOME: state });
  return { workspace, disk, state };
}

describe('a full disk', () => {
  it('every command that writes prints one line naming the ledger, the free space and the fix, exits 3, and sends nothing', async () => {
    const { workspace, disk, state } = setup();
    expect((await workspace.run(['runs', 'list'])).code).toBe(0);
    disk.fill();
    const expected = new RegExp(`^portai: cannot write the ledger ${path.join(state, 'ledger.db')}: the disk is full, \\d+ (bytes|KB) free on ${disk.dir}; free space on ${disk.dir}, or move PORTAI_HOME\\n$`);
    for (const args of [['run', 'skill', 'greet', '-i', 'name=Full'], ['run', 'skill', 'greet', '-i', 'name=Full', '--defer'], ['worker', '--once']]) {
      const result = await workspace.run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 3 });
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).not.toContain('internal error');
    }
    expect(provider.requests).toHaveLength(0);
    // freed: the same command works, and nothing that was there before is lost
    disk.free();
    provider.enqueue({ text: 'Hello after the disk was freed' });
    const after = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Full']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('Hello after the disk was freed');
  });

  it('the worker stays up, logs the fault once, re-checks, and finishes the job once a write succeeds', async () => {
    const { workspace, disk, state } = setup();
    const ledger = openLedger(state);
    try {
      const config = loadConfig({ env: workspace.env, cwd: workspace.dir });
      const skill = loadSkill(path.join(workspace.dir, 'skills', 'greet.yaml'));
      const runId = deferRun({ config, ledger, skill, given: { name: 'Patient' }, env: workspace.env });
      disk.fill();
      const warnings: string[] = [];
      const infos: string[] = [];
      const progress = { step() {}, info: (text: string) => infos.push(text), warn: (text: string) => warnings.push(text) };
      const stop = new AbortController();
      let rechecks = 0;
      const sleep = async (ms: number) => {
        if (ms === 20) rechecks++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
      };
      provider.reply(() => ({ text: 'Hello, patient one' }));
      const worker = runWorker({ config, ledger, env: workspace.env, progress, sleep, signal: stop.signal, poll_ms: 10, disk_recheck_ms: 20 });
      const until = async (condition: () => boolean) => {
        const start = Date.now();
        while (!condition()) {
          if (Date.now() - start > 15_000) throw new Error('condition not met in time');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await until(() => rechecks >= 5);
      // logged once, however many times it checked; nothing was sent and the run is still to do
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^cannot write the ledger .*ledger\.db: the disk is full, .* free on .*; free space on .*, or move PORTAI_HOME \(the worker keeps running and checks again every 20 ms\)$/);
      expect(provider.requests).toHaveLength(0);
      disk.free();
      await until(() => ledger.getRun(runId)?.status === 'ok');
      stop.abort();
      await worker;
      expect(infos).toContain('the ledger can be written again: working the queue');
      expect(ledger.listJobs()).toMatchObject([{ run_id: runId, state: 'done' }]);
      expect(provider.requests).toHaveLength(1);
    } finally {
      ledger.close();
    }
  });
});

describe('the ledger boundary', () => {
  const file = path.join(os.tmpdir(), 'state', 'ledger.db');
  const fault = (code: string) => () => {
    throw new Database.SqliteError(code === 'SQLITE_FULL' ? 'database or disk is full' : 'disk I/O error', code);
  };

  it('maps SQLITE_FULL and SQLITE_IOERR_* to one exit-3 line with the ledger, the free space and the fix', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_SHMSIZE']) {
      const error = (() => {
        try {
          guardDisk(file, fault(code));
        } catch (caught) {
          return caught as LedgerWriteError;
        }
      })();
      expect(error).toBeInstanceOf(LedgerWriteError);
      expect(error?.exitCode).toBe(EXIT.blocked);
      expect(error?.userLines()).toHaveLength(1);
      expect(error?.message).toMatch(new RegExp(`^cannot write the ledger ${file}: (the disk is full|disk I/O error \\(${code}\\)), [\\d.]+ (bytes|KB|MB|GB|TB) free on /\\S*; free space on /\\S*, or move PORTAI_HOME$`));
    }
  });

  it('lets every other error through unchanged', () => {
    const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    expect(() => guardDisk(file, () => {
      throw busy;
    })).toThrow(busy);
  });
});
