// A request that never reached a server is not spent quota; one that did is, failed or not. Real loopback sockets:
// a port nobody listens on, a server that resets after reading the request, and the fake provider answering 500.
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const provider = useFakeProvider();
let workspace: Workspace;
let refusedPort: number;
let resetServer: net.Server;
let resetPort: number;
/** requests whose bytes the resetting server read before it reset the connection */
let resetSeen = 0;

beforeAll(async () => {
  // bind a port, then close it: connecting there is refused, and no other test can be listening on it meanwhile
  // (the kernel does not hand a just-closed ephemeral port out again at once)
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  resetServer = net.createServer((socket) => {
    socket.once('data', () => {
      resetSeen += 1;
      socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => resetServer.listen(0, '127.0.0.1', resolve));
  resetPort = (resetServer.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => resetServer.close(() => resolve()));
});

afterEach(() => workspace?.cleanup());

function entry(name: string, origin: string): string {
  return `  ${name}:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
    limits: { requests_per_day: 50 }
    models:
      - id: small-model
        context: 32000
`;
}

function config(): string {
  return `skills: ./skills
budget: { usd_per_day: 0 }
providers:
${entry('offline', `http://127.0.0.1:${refusedPort}`)}${entry('resets', `http://127.0.0.1:${resetPort}`)}${entry('broken', provider.url)}`;
}

async function usedToday(name: string): Promise<number> {
  const result = await workspace.run(['usage', '--json']);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as { providers: Array<{ provider: string; requests_today: number; limits: Array<{ window: string; used: number }> }> };
  const line = report.providers.find((candidate) => candidate.provider === name);
  expect(line?.limits.find((limit) => limit.window === 'day (UTC)')?.used).toBe(line?.requests_today);
  return line?.requests_today ?? -1;
}

describe('quota counts only requests that reached a server', () => {
  it('a refused connection is released; a reset after the request was read and a 500 both count', async () => {
    workspace = createWorkspace(config(), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-local-unsent-0123456789' });
    provider.reply(() => ({ status: 500, body: { error: { message: 'internal error', code: 500 } } }));
    resetSeen = 0;

    const offline = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--use', 'offline/small-model']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('ECONNREFUSED');
    const resets = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--use', 'resets/small-model']);
    expect(resets.code).toBe(1);
    const broken = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--use', 'broken/small-model']);
    expect(broken.code).toBe(1);

    const brokenSeen = provider.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
    expect(resetSeen).toBeGreaterThan(0);
    expect(brokenSeen).toBeGreaterThan(0);
    expect(await usedToday('offline')).toBe(0);
    expect(await usedToday('resets')).toBe(resetSeen);
    expect(await usedToday('broken')).toBe(brokenSeen);

    // the ledger itself: every attempt is kept as history, the unsent ones weigh nothing and cost nothing
    const db = new Database(path.join(workspace.state, 'ledger.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT provider, COUNT(*) AS attempts, SUM(weight) AS counted, SUM(COALESCE(list_usd, list_usd_reserved)) AS usd FROM attempts GROUP BY provider`).all() as Array<{ provider: string; attempts: number; counted: number; usd: number }>;
      const byName = Object.fromEntries(rows.map((row) => [row.provider, row]));
      expect(byName.offline.attempts).toBeGreaterThan(0);
      expect(byName.offline.counted).toBe(0);
      expect(byName.offline.usd).toBe(0);
      expect(byName.resets.counted).toBe(resetSeen);
      expect(byName.broken.counted).toBe(brokenSeen);
      const open = db.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE status = 'reserved'`).get() as { n: number };
      expect(open.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
