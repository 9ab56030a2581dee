// Failures of the machine around a run — the ledger file, the state folder, the port, hostile or huge YAML — are
// bad input (exit 2) naming the path and the fix, never "internal error"; under --json every failure is one JSON
// error object on stdout. The CLI runs as a child process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, type CliResult } from './helpers/cli.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

function setup(): Workspace {
  workspace = createWorkspace('skills: ./skills\n', { greet: HELLO_SKILL });
  return workspace;
}

const ledgerFile = () => path.join(workspace.state, 'ledger.db');

function expectBadInput(result: CliResult, ...mentions: string[]): void {
  expect(result.code).toBe(2);
  expect(result.stderr).not.toContain('internal error');
  for (const mention of mentions) expect(result.stderr).toContain(mention);
}

function jsonErrorOf(result: CliResult) {
  const parsed = JSON.parse(result.stdout) as { error: Record<string, unknown> };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['file', 'hint', 'kind', 'line', 'message']);
  return parsed.error;
}

const BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
`;

describe('the ledger file and the state folder', () => {
  it('a file that is not SQLite: exit 2 naming it, with the fix; --json gives the error object', async () => {
    setup();
    fs.mkdirSync(workspace.state, { recursive: true });
    fs.writeFileSync(ledgerFile(), 'this is not a database, just text\n'.repeat(200));
    expectBadInput(await workspace.run(['runs', 'list']), ledgerFile(), 'not a portai ledger', `mv '${ledgerFile()}'`);
    const json = await workspace.run(['runs', 'list', '--json']);
    expect(json.code).toBe(2);
    expect(jsonErrorOf(json)).toMatchObject({ kind: 'bad_input', file: ledgerFile(), line: null, hint: expect.stringContaining('move it aside') });
  });

  it('a damaged SQLite ledger: exit 2 naming it', async () => {
    setup();
    expect((await workspace.run(['runs', 'list'])).code).toBe(0);
    const bytes = fs.readFileSync(ledgerFile());
    bytes.fill(0xff, 4096, Math.min(bytes.length, 4096 * 4));
    fs.writeFileSync(ledgerFile(), bytes);
    fs.rmSync(`${ledgerFile()}-wal`, { force: true });
    fs.rmSync(`${ledgerFile()}-shm`, { force: true });
    expectBadInput(await workspace.run(['runs', 'list']), ledgerFile(), 'damaged');
  });

  it('PORTAI_HOME that is a file: exit 2 naming it', async () => {
    setup();
    const blocker = path.join(workspace.dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    expectBadInput(await workspace.run(['runs', 'list'], { env: { PORTAI_HOME: blocker } }), blocker, 'PORTAI_HOME');
  });

  it('a read-only PORTAI_HOME: exit 2 naming it, with the fix', async () => {
    setup();
    // root may write anywhere: run the CLI as an unprivileged user then, so the folder's mode really applies
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    fs.chmodSync(workspace.dir, 0o755);
    fs.mkdirSync(workspace.state, { recursive: true });
    if (asUser.uid !== undefined) fs.chownSync(workspace.state, asUser.uid, asUser.gid);
    fs.chmodSync(workspace.state, 0o555);
    const result = await new Promise<CliResult>((resolve) => {
      const child = spawn(process.execPath, [cliPath, 'runs', 'list'], { cwd: workspace.dir, env: workspace.env, ...asUser });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
    fs.chmodSync(workspace.state, 0o755);
    expectBadInput(result, ledgerFile(), 'cannot write the ledger', 'set PORTAI_HOME to a folder you can write');
  });

  // the second one has a Laravel-style `migrations` table, which must not pass for portai's
  it.each([
    ['notes', "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')"],
    ['migrations, notes', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE migrations (id INTEGER PRIMARY KEY, migration TEXT, batch INTEGER)'],
  ])("another program's SQLite database (%s): exit 2 naming it and the fix, and the file stays byte for byte as it was", async (tables, sql) => {
    setup();
    fs.mkdirSync(workspace.state, { recursive: true });
    const foreign = new Database(ledgerFile());
    foreign.exec(sql);
    foreign.close();
    const before = fs.readFileSync(ledgerFile());
    for (const args of [['runs', 'list'], ['run', 'skill', 'greet', '-i', 'name=Ann']]) {
      expectBadInput(await workspace.run(args), ledgerFile(), 'this is not a portai ledger', `(${tables})`, 'move it away', 'set PORTAI_HOME');
    }
    expect(fs.readFileSync(ledgerFile()).equals(before)).toBe(true);
    expect(fs.readdirSync(workspace.state)).toEqual(['ledger.db']);
  });

  it('an empty SQLite file (0 bytes, or a database with no tables) becomes a ledger', async () => {
    setup();
    fs.mkdirSync(workspace.state, { recursive: true });
    fs.writeFileSync(ledgerFile(), '');
    expect((await workspace.run(['runs', 'list'])).code).toBe(0);
    fs.rmSync(workspace.state, { recursive: true });
    fs.mkdirSync(workspace.state);
    const empty = new Database(ledgerFile());
    empty.pragma('user_version = 7');
    empty.close();
    expect(fs.statSync(ledgerFile()).size).toBeGreaterThan(0);
    expect((await workspace.run(['runs', 'list'])).code).toBe(0);
    const ledger = new Database(ledgerFile(), { readonly: true });
    expect(ledger.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'runs'").get()).toEqual({ n: 1 });
    ledger.close();
  });
});

describe('serve on a port that is taken', () => {
  it('exit 2 with the address and another port to use', async () => {
    setup();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      expectBadInput(await workspace.run(['serve', '--port', String(port)]), `127.0.0.1:${port}`, 'already in use', '--port');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('hostile and huge YAML', () => {
  it('a skill that is an alias bomb: exit 2 with the file and the line of the first alias', async () => {
    setup();
    const file = workspace.writeSkill('bomb', `name: bomb\ndescription: x\noutcome: x\nsteps: []\nextra:\n${BOMB.replace(/^/gm, '  ')}`);
    const result = await workspace.run(['run', 'skill', 'bomb', '--json']);
    expectBadInput(result, `${file}:`, 'alias');
    expect(jsonErrorOf(result)).toMatchObject({ kind: 'bad_input', file, line: 7 });
  });

  it('a config that is an alias bomb: exit 2 naming it', async () => {
    setup();
    const file = workspace.writeConfig(`skills: ./skills\nx:\n${BOMB.replace(/^/gm, '  ')}`);
    expectBadInput(await workspace.run(['skills', 'list']), file, 'alias');
  });

  it('a skill or a config over 1 MiB: exit 2 naming it, before parsing', async () => {
    setup();
    const padding = `# ${'x'.repeat(100)}\n`.repeat(11_000);
    const skill = workspace.writeSkill('huge', `${HELLO_SKILL.replace('name: greet', 'name: huge')}${padding}`);
    expectBadInput(await workspace.run(['run', 'skill', 'huge', '-i', 'name=x']), skill, 'at most 1 MiB');
    const config = workspace.writeConfig(`skills: ./skills\n${padding}`);
    expectBadInput(await workspace.run(['skills', 'list']), config, 'at most 1 MiB');
  });
});

describe('--json failures are one JSON error object on stdout', () => {
  it('for bad input in a skill, with file and line', async () => {
    setup();
    const file = workspace.writeSkill('broken', 'name: broken\ndescription: x\noutcome: x\nsteps:\n  - id: a\n    prompt: [unclosed\n');
    const result = await workspace.run(['run', 'skill', 'broken', '--json']);
    expect(result.code).toBe(2);
    expect(jsonErrorOf(result)).toMatchObject({ kind: 'bad_input', file, line: expect.any(Number), message: expect.stringContaining('YAML') });
  });

  it('for an unknown id, and for a usage error', async () => {
    setup();
    const unknown = await workspace.run(['runs', 'show', 'NOSUCHRUN', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonErrorOf(unknown)).toEqual({ kind: 'bad_input', message: 'no run with id NOSUCHRUN', hint: 'see the ids with: portai runs list', file: null, line: null });
    const usage = await workspace.run(['runs', 'list', '--bogus', '--json']);
    expect(usage.code).toBe(2);
    expect(jsonErrorOf(usage)).toMatchObject({ kind: 'usage', message: expect.stringContaining('--bogus') });
  });

  it('for every command that has --json, when the config or the ledger is broken', async () => {
    setup();
    workspace.writeConfig('skills: ./skills\nproviders: [\n');
    fs.mkdirSync(workspace.state, { recursive: true });
    fs.writeFileSync(ledgerFile(), 'not a database\n'.repeat(100));
    const commands = [
      ['run', 'skill', 'greet'], ['skills', 'list'], ['skills', 'history', 'greet'], ['runs', 'list'], ['runs', 'show', 'X'], ['runs', 'resume', 'X'],
      ['providers', 'list'], ['usage'], ['queue', 'list'], ['models', 'sync'], ['models', 'list'], ['doctor'],
    ];
    for (const command of commands) {
      const result = await workspace.run([...command, '--json']);
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      const error = jsonErrorOf(result);
      expect([path.join(workspace.dir, 'portai.yaml'), ledgerFile()]).toContain(error.file);
    }
  });
});
