// Issue 11, item 7 (last sentence): the state folder is 0700 — created so, and tightened when it already
// exists with a looser mode — and the ledger with its -wal and -shm files is 0600: it holds prompts, outputs
// and serve's token, which no other local user may read.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, runCli, tempHome } from './helpers/cli.js';
import { openLedger } from '../src/ledger/index.js';

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('state folder and ledger file modes', () => {
  it('a new state folder is created 0700 and its ledger.db 0600', async () => {
    dir = tempHome();
    const env = baseEnv(dir);
    const result = await runCli(['runs', 'list', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(mode(env.PORTAI_HOME)).toBe('700');
    expect(mode(path.join(env.PORTAI_HOME, 'ledger.db'))).toBe('600');
  });

  it('an existing folder (0755) and ledger.db (0644) are tightened', async () => {
    dir = tempHome();
    const env = baseEnv(dir);
    fs.mkdirSync(env.PORTAI_HOME, { mode: 0o755 });
    fs.chmodSync(env.PORTAI_HOME, 0o755);
    fs.writeFileSync(path.join(env.PORTAI_HOME, 'ledger.db'), '', { mode: 0o644 });
    fs.chmodSync(path.join(env.PORTAI_HOME, 'ledger.db'), 0o644);
    const result = await runCli(['runs', 'list', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(mode(env.PORTAI_HOME)).toBe('700');
    expect(mode(path.join(env.PORTAI_HOME, 'ledger.db'))).toBe('600');
  });

  it('a shared, sticky folder (like /tmp) is left as it is; the ledger inside is still 0600', async () => {
    dir = tempHome();
    const env = baseEnv(dir);
    fs.mkdirSync(env.PORTAI_HOME);
    fs.chmodSync(env.PORTAI_HOME, 0o1777);
    expect((await runCli(['runs', 'list', '--json'], { cwd: dir, env })).code).toBe(0);
    expect((fs.statSync(env.PORTAI_HOME).mode & 0o7777).toString(8)).toBe('1777');
    expect(mode(path.join(env.PORTAI_HOME, 'ledger.db'))).toBe('600');
  });

  it('the -wal and -shm files of an open ledger are 0600 too', () => {
    dir = tempHome();
    const home = path.join(dir, 'state');
    const ledger = openLedger(home);
    try {
      ledger.createRun({ skill: 'greet', skill_file: '/x/greet.yaml', skill_hash: 'h', inputs: {}, now_utc: new Date().toISOString(), today: '2026-01-01', status: 'running' });
      for (const name of ['ledger.db', 'ledger.db-wal', 'ledger.db-shm']) expect(mode(path.join(home, name)), name).toBe('600');
    } finally {
      ledger.close();
    }
  });
});
