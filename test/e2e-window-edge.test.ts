// A burst at a per-minute window's edge, after real CLI processes filled the window, against a fake that enforces the same limit on its
// own side, counting requests as they arrive. portai must never let the provider refuse a request for quota: the
// ledger counts at reservation, the provider a little later, and the rolling margin covers the difference.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openLedger } from '../src/ledger/index.js';
import { silentProgress } from '../src/runner/progress.js';
import { runSkill } from '../src/runner/run-skill.js';
import { loadSkill } from '../src/skills/index.js';
import { closeConnections } from '../src/wire/http.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-edge-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const LIMIT = 3;
const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => workspace?.cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function configYaml(): string {
  return `skills: ./skills
budget: { usd_per_day: 0 }
retry: { max_wait_seconds: 0 }
providers:
  openrouter:
    preset: openrouter
    base_url: ${provider.url}/api/v1
    limits: { requests_per_minute: ${LIMIT}, requests_per_day: 1000 }
    models:
      - id: meta-llama/llama-free:free
routes:
  - use: [openrouter/*]
`;
}

/** when the first and the last request of the window were sent, as the ledger counts them */
function sentTimes(): { oldest: number; newest: number } {
  const db = new Database(path.join(workspace.state, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT MIN(started_ms) AS oldest, MAX(started_ms) AS newest FROM attempts WHERE weight > 0').get() as { oldest: number; newest: number };
  } finally {
    db.close();
  }
}

describe('a burst at the edge of a per-minute window', () => {
  it('never gets a server-side quota 429, and a deferred run waits until the window plus its margin', async () => {
    workspace = createWorkspace(configYaml(), { greet: HELLO_SKILL }, { OPENROUTER_API_KEY: KEY });
    provider.limitPerMinute(LIMIT);
    provider.reply(() => ({ text: 'hello' }));
    const greet = (name: string) => workspace.run(['run', 'skill', 'greet', '-i', `name=${name}`]);

    // fill the window with a concurrent burst from CLI processes over a slow network: the provider counts those
    // requests 300 ms after they were sent; the burst at the edge meets a fast one (without the margin: a 429)
    provider.setLatency(300);
    const first = await Promise.all(Array.from({ length: LIMIT }, (_, index) => greet(`first${index}`)));
    expect(first.map((result) => result.code)).toEqual(Array(LIMIT).fill(0));
    const { oldest, newest } = sentTimes();

    // the queue waits for the same unblock time the guard reports: 60 s after the oldest request, plus 1 s
    const deferred = await workspace.run(['run', 'skill', 'greet', '-i', 'name=later', '--defer']);
    expect(deferred.code).toBe(0);
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    const jobs = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout) as Array<{ state: string; not_before: string }>;
    expect(jobs).toEqual([expect.objectContaining({ state: 'waiting', not_before: new Date(oldest + 61_000).toISOString() })]);

    // from just before the window's edge to past the margin, a long-lived runner (no process start-up to blur the
    // timing) tries a run every 20 ms: it sends the moment portai's guard lets it
    provider.setLatency(0);
    const config = loadConfig({ flag: path.join(workspace.dir, 'portai.yaml'), env: workspace.env, cwd: workspace.dir });
    const skill = loadSkill(path.join(workspace.dir, 'skills', 'greet.yaml'));
    const ledger = openLedger(workspace.state);
    const statuses: string[] = [];
    try {
      await sleep(oldest + 59_500 - Date.now());
      // until the last of the window's requests has left it, margin included, and a little more
      while (Date.now() < newest + 62_500) {
        const result = await runSkill({ config, ledger, skill, given: { name: 'edge' }, env: workspace.env, progress: silentProgress });
        statuses.push(result.status);
        await sleep(20);
      }
    } finally {
      ledger.close();
      await closeConnections();
    }

    expect(provider.quotaErrors).toEqual([]);
    // each run either went through or was held back by portai's own guard, never refused by the provider
    expect(new Set(statuses)).toEqual(new Set(['ok', 'blocked']));
    expect(statuses.filter((status) => status === 'ok')).toHaveLength(LIMIT);
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(2 * LIMIT);
  }, 120_000);
});
