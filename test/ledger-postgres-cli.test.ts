// The shared ledger from the user's side: real CLI processes, a real PostgreSQL server, the loopback provider.
// An unreachable database stops the command (exit 2, password masked) before anything is sent; --offline lets
// free work go on with the local SQLite ledger and refuses metered work; `ledger migrate` copies history once.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../src/ledger/index.js';
import { LedgerUnreachableError, PostgresDb } from '../src/ledger/postgres/postgres-db.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { startCluster, type PgCluster } from './helpers/pg-cluster.mjs';
import { createWorkspace, HELLO_SKILL, localConfig, type Workspace } from './helpers/workspace.js';

const provider = useFakeProvider();
const PASSWORD = 'pg-secret-password-4242';
let cluster: PgCluster;
let databases = 0;
let workspace: Workspace;

beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(() => cluster?.stop());
afterEach(() => workspace?.cleanup());

const chatRequests = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function meteredConfig(extra = ''): string {
  // a budget, so that only --offline (not the spend guard) refuses the metered model
  return localConfig(provider.url, extra).replace('budget: { usd_per_day: 0 }', 'budget: { usd_per_day: 5 }');
}

describe('an unreachable shared ledger', () => {
  it('stops every command with exit 2 and one message naming the URL with its password masked; nothing is sent', async () => {
    const port = await closedPort();
    workspace = createWorkspace(localConfig(provider.url), { greet: HELLO_SKILL }, { LOCAL_KEY: 'local-key-0123456789' });
    const url = `postgres://portai:${PASSWORD}@127.0.0.1:${port}/portai`;
    for (const args of [['run', 'skill', 'greet', '-i', 'name=Ann'], ['runs', 'list']]) {
      const result = await workspace.run(args, { env: { PORTAI_LEDGER_URL: url } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot reach the ledger database postgres://portai:***@127.0.0.1:${port}/portai (ECONNREFUSED`);
      expect(result.stderr).toContain('--offline');
      expect(result.stderr).not.toContain(PASSWORD);
      expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    }
    expect(chatRequests()).toHaveLength(0);
    // nothing fell back to a local file behind the user's back
    expect(fs.existsSync(path.join(workspace.state, 'ledger.db'))).toBe(false);
  });

  it('--offline runs a free route on the local SQLite ledger and says so; a metered one is refused (exit 3), nothing sent', async () => {
    const port = await closedPort();
    workspace = createWorkspace(meteredConfig(`ledger: { url: "postgres://portai@127.0.0.1:${port}/portai" }\n`), { greet: HELLO_SKILL }, { LOCAL_KEY: 'local-key-0123456789' });
    provider.enqueue({ text: 'hello Ann' });
    const free = await workspace.run(['--offline', 'run', 'skill', 'greet', '-i', 'name=Ann', '--use', 'local/small-model']);
    expect(free.code).toBe(0);
    expect(free.stdout).toContain('hello Ann');
    expect(free.stderr).toContain(`offline: using the local ledger ${path.join(workspace.state, 'ledger.db')} instead of the shared ledger postgres://portai@127.0.0.1:${port}/portai`);
    expect(chatRequests()).toHaveLength(1);

    const metered = await workspace.run(['--offline', 'run', 'skill', 'greet', '-i', 'name=Bo', '--use', 'paid/pricey']);
    expect(metered.code).toBe(3);
    expect(metered.stderr).toContain('offline: metered models are not used without the shared ledger');
    expect(chatRequests()).toHaveLength(1);
    // without --offline the same command fails closed
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cy', '--use', 'local/small-model'])).code).toBe(2);
    expect(chatRequests()).toHaveLength(1);
  });
});

describe('the shared ledger in use', () => {
  it('two machines (two PORTAI_HOMEs) running skills share one usage count', async () => {
    const url = await cluster.createDatabase(`cli_${++databases}`);
    workspace = createWorkspace(localConfig(provider.url, `ledger: { url: "${url}" }\n`).replace('    billing: free\n', '    billing: free\n    limits: { requests_per_day: 3 }\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'local-key-0123456789' });
    provider.reply(() => ({ text: 'hi' }));
    const machineB = { PORTAI_HOME: path.join(workspace.dir, 'state-b') };
    const codes = [];
    for (const [index, env] of [{}, machineB, {}, machineB].entries()) codes.push((await workspace.run(['run', 'skill', 'greet', '-i', `name=p${index}`, '--use', 'local/small-model'], { env })).code);
    expect(codes).toEqual([0, 0, 0, 3]);
    expect(chatRequests()).toHaveLength(3);
    const usage = JSON.parse((await workspace.run(['usage', '--json'], { env: machineB })).stdout);
    const local = usage.providers.find((entry: { provider: string }) => entry.provider === 'local');
    expect(local.limits).toContainEqual(expect.objectContaining({ window: 'day (UTC)', limit: 3, used: 3, remaining: 0 }));
    expect(fs.existsSync(path.join(workspace.state, 'ledger.db'))).toBe(false);
    expect(JSON.parse((await workspace.run(['where', '--json'])).stdout).ledger).toBe(url);
  });

  it('a database restart while a request is in flight: the run reconnects, finishes, and the request counts once', async () => {
    const url = await cluster.createDatabase(`restart_${++databases}`);
    workspace = createWorkspace(localConfig(provider.url, `ledger: { url: "${url}" }\n`), { greet: HELLO_SKILL }, { LOCAL_KEY: 'local-key-0123456789' });
    provider.reply(() => ({ text: 'hi after the restart', delay_ms: 2_500 }));
    const running = workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--use', 'local/small-model']);
    await expect.poll(() => chatRequests().length, { timeout: 20_000 }).toBe(1);
    cluster.stopServer('fast');
    await new Promise((resolve) => setTimeout(resolve, 500));
    cluster.startServer();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('hi after the restart');
    expect(chatRequests()).toHaveLength(1);
    const rows = await cluster.query(`restart_${databases}`, 'SELECT status, weight FROM attempts');
    expect(rows).toEqual([{ status: 'ok', weight: 1 }]);
  });

  it('a password in portai.yaml is refused, naming the file and the field; PGPASSWORD is used instead and never printed', async () => {
    workspace = createWorkspace(localConfig(provider.url, `ledger: { url: "postgres://portai:${PASSWORD}@127.0.0.1:${cluster.port}/x" }\n`), { greet: HELLO_SKILL });
    const refused = await workspace.run(['runs', 'list']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('portai.yaml');
    expect(refused.stderr).toContain('ledger.url holds a password');
    expect(refused.stderr).toContain('PGPASSWORD');
    expect(refused.stderr).not.toContain(PASSWORD);
  });

  it('a server that needs a password: PGPASSWORD or ~/.pgpass opens it; a wrong or missing one is exit 2 and it is never printed', async () => {
    const secured = await startCluster({ password: PASSWORD });
    try {
      workspace = createWorkspace(localConfig(provider.url, `ledger: { url: "${secured.url('postgres')}" }\n`), { greet: HELLO_SKILL });
      const ok = await workspace.run(['runs', 'list'], { env: { PGPASSWORD: PASSWORD } });
      expect(ok).toMatchObject({ code: 0, stdout: 'no runs yet\n' });
      const wrong = await workspace.run(['runs', 'list', '--debug'], { env: { PGPASSWORD: `${PASSWORD}-wrong` } });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('refused the connection');
      expect(wrong.stderr).toContain('28P01');
      expect(wrong.stdout + wrong.stderr).not.toContain(PASSWORD);
      const none = await workspace.run(['runs', 'list']);
      expect(none.code).toBe(2);
      expect(none.stdout + none.stderr).not.toContain(PASSWORD);
      // ~/.pgpass (0600) works as well: host:port:database:user:password
      fs.writeFileSync(path.join(workspace.dir, '.pgpass'), `127.0.0.1:${secured.port}:postgres:${secured.user}:${PASSWORD}\n`, { mode: 0o600 });
      expect(await workspace.run(['runs', 'list'])).toMatchObject({ code: 0, stdout: 'no runs yet\n' });
    } finally {
      secured.stop();
    }
  });

  it('ledger migrate --to copies a SQLite ledger once: run twice, the same rows', async () => {
    const url = await cluster.createDatabase(`migrate_${++databases}`);
    workspace = createWorkspace(localConfig(provider.url), { greet: HELLO_SKILL }, { LOCAL_KEY: 'local-key-0123456789' });
    provider.reply(() => ({ text: 'hi' }));
    for (const name of ['Ann', 'Bo']) expect((await workspace.run(['run', 'skill', 'greet', '-i', `name=${name}`, '--use', 'local/small-model'])).code).toBe(0);
    const local = new Ledger(path.join(workspace.state, 'ledger.db'));
    local.addBlock({ provider: 'paid', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'billed', until_ms: null });
    local.saveCatalog('local', [{ id: 'small-model', prompt_price: 0, completion_price: 0, context: 32000, expiration: null, raw: {} }], local.now());
    const count = (db: Ledger['db'], table: string) => (db.statement(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const tables = ['runs', 'attempts', 'plans', 'step_prompts', 'step_results', 'health', 'catalog_models'];
    const expected = Object.fromEntries(tables.map((table) => [table, count(local.db, table)]));
    local.close();
    expect(expected.runs).toBe(2);

    const first = await workspace.run(['ledger', 'migrate', '--to', url]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/runs\s+2 copied, 0 already there/);
    const second = await workspace.run(['ledger', 'migrate', '--to', url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/runs\s+0 copied, 2 already there/);
    expect(second.stdout).toMatch(/attempts\s+0 copied/);

    const shared = new Ledger(new PostgresDb(url));
    try {
      expect(Object.fromEntries(tables.map((table) => [table, count(shared.db, table)]))).toEqual(expected);
      expect(shared.listRuns().map((run) => run.status)).toEqual(['ok', 'ok']);
    } finally {
      shared.close();
    }
    // and the machine now reads the same history from the shared ledger
    const listed = await workspace.run(['runs', 'list', '--json'], { env: { PORTAI_LEDGER_URL: url } });
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
  });
});

it("a database that holds another program's tables is refused, not written to", async () => {
  const url = await cluster.createDatabase(`foreign_${++databases}`);
  await cluster.query(`foreign_${databases}`, 'CREATE TABLE invoices (id int)');
  expect(() => new PostgresDb(url)).toThrow(/holds other tables \(invoices\) and no portai migrations/);
  expect(await cluster.query(`foreign_${databases}`, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([{ table_name: 'invoices' }]);
});

describe('a connection lost mid-transaction', () => {
  it('fails the reservation closed: it throws, writes nothing, and the next one works on a new connection', async () => {
    const url = await cluster.createDatabase(`lost_${++databases}`);
    const ledger = new Ledger(new PostgresDb(url));
    const admin = new Ledger(new PostgresDb(url));
    try {
      const providers = [{ name: 'p', windows: [] }];
      const input = { run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free' as const, weight: 1, reserved_usd: 0, now_ms: ledger.now() };
      const { pid } = ledger.db.statement('SELECT pg_backend_pid() AS pid').get() as { pid: number };
      // the guard runs inside the transaction; while it runs the server drops this connection (a restart, a split)
      const cut = () => {
        admin.db.statement('SELECT pg_terminate_backend(?)').get(pid);
        return null;
      };
      expect(() => ledger.reserve(input, providers, cut)).toThrow(LedgerUnreachableError);
      expect(admin.usage(providers, input.now_ms + 1).providers.p.day).toBe(0);
      expect('attempt_id' in ledger.reserve(input, providers, () => null)).toBe(true);
      expect(admin.usage(providers, input.now_ms + 1).providers.p.day).toBe(1);
    } finally {
      ledger.close();
      admin.close();
    }
  });
});
