// New free models are tried before they are trusted, end to end: a catalog sync finds a free model a route pattern
// admits, queues its trial eval, the real worker runs it, and only then does routing under `untested: avoid` use it;
// a changed catalog entry puts it back on trial. And a real run whose output never met the schema is evidence.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { openRouterKey, openRouterModel } from './fake-provider/catalog-routes.js';
import { Ledger, type SqliteDb } from '../src/ledger/index.js';
import { extractSkill } from './helpers/extract-skill.js';

const provider = useFakeProvider();
let workspace: Workspace;
afterEach(() => workspace?.cleanup());

const SKILL = extractSkill();

const openRouterConfig = (origin: string) => `skills: ./skills
defaults: { quality: { untested: avoid } }
providers:
  openrouter:
    preset: openrouter
    base_url: ${origin}/api/v1
    models: [ { id: vendor/alpha:free } ]
routes:
  - use: [openrouter/*:free]
`;

const early = () => openRouterModel({ id: 'vendor/early:free' });
const candidates = (stdout: string) => [...stdout.matchAll(/^\s*\d+\. (\S+)/gm)].map((match) => match[1]);

describe('new free models on trial', () => {
  it('a sync queues a trial; the worker evaluates the model; routing with untested: avoid uses it only once it passed', async () => {
    workspace = createWorkspace(openRouterConfig(provider.url), { extract: SKILL }, { OPENROUTER_API_KEY: 'sk-or-trial-secret' });
    provider.setKey(openRouterKey());
    provider.setModels([early(), openRouterModel({ id: 'vendor/alpha:free' })]);
    const first = await workspace.run(['models', 'sync']);
    expect(first.code).toBe(0);
    // alpha is listed in the config; early is only in the catalog: on trial, but a first sync queues no trial
    expect(first.stdout).toContain('on trial  1 free model a route pattern admits (first sync: no trial queued');
    expect(first.stdout).not.toContain('trial     ');

    // a week later: a new free model, and a paid one the pattern must not admit
    provider.setModels([early(), openRouterModel({ id: 'vendor/alpha:free' }), openRouterModel({ id: 'vendor/beta:free', context: 64000 }), openRouterModel({ id: 'vendor/gamma:free', prompt: '0.000001', completion: '0.000002' })]);
    const sync = await workspace.run(['models', 'sync']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('new free  vendor/beta:free');
    expect(sync.stdout).toMatch(/trial {5}openrouter\/vendor\/beta:free on extract \(new free model\) — eval queued as job \S+/);
    expect(sync.stdout).not.toContain('vendor/gamma');
    // syncing again queues no second trial of the same model
    provider.setModels([early(), openRouterModel({ id: 'vendor/alpha:free' }), openRouterModel({ id: 'vendor/beta:free', context: 64000 })]);
    expect((await workspace.run(['models', 'sync'])).stdout).not.toContain('trial');

    // before the trial: the pattern admits it, the quality rule keeps it out
    const before = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(before.code).toBe(0);
    expect(candidates(before.stdout)).toEqual(['openrouter/vendor/alpha:free']);
    expect(before.stdout).toContain('openrouter/vendor/beta:free — quality: new model on trial: untested on extract (quality.untested: avoid)');
    expect(before.stdout).toContain('openrouter/vendor/early:free — quality: new model on trial');

    provider.reply((request) => (request.model === 'vendor/beta:free' && request.lastUserText.includes('dentist') ? { json: { title: 'Dentist' } } : { json: { title: 'something else' } }));
    const worker = await workspace.run(['worker', '--once']);
    expect(worker.code).toBe(0);
    const trialRequests = provider.requests.filter((request) => request.path.endsWith('/chat/completions') && (request.body as { model: string }).model === 'vendor/beta:free');
    expect(trialRequests.length).toBeGreaterThanOrEqual(1);
    const listed = JSON.parse((await workspace.run(['queue', 'list', '--all', '--json'])).stdout) as Array<{ skill: string; state: string; reason: string }>;
    expect(listed.find((job) => job.skill === 'extract')).toMatchObject({ state: 'done', reason: 'openrouter/vendor/beta:free 1/1 pass' });

    // passed: now it is used, and ahead of the untested listed model
    const after = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(candidates(after.stdout)).toEqual(['openrouter/vendor/beta:free', 'openrouter/vendor/alpha:free']);
    expect(after.stdout).toContain('1/1 pass, lower bound 0.21');
    const real = await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist at 3pm', '--json']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout).steps[0].model).toBe('vendor/beta:free');

    // models list: of the skills tested on it, how many it passed
    const models = await workspace.run(['models', 'list', '--json']);
    const rows = JSON.parse(models.stdout) as Array<{ id: string; evals?: { passed: number; tested: number } }>;
    // the shipped example skills are in the skills path too: their trials ran, and this fake answers them wrongly
    const ledger = new Ledger<SqliteDb>(path.join(workspace.state, 'ledger.db'));
    const trialled = new Set((ledger.db.sqlite.prepare("SELECT skill FROM eval_results WHERE candidate = 'openrouter/vendor/beta:free' AND status <> 'not_run'").all() as Array<{ skill: string }>).map((row) => row.skill));
    ledger.close();
    expect(trialled.size).toBeGreaterThan(1);
    expect(rows.find((row) => row.id === 'vendor/beta:free')?.evals).toEqual({ passed: 1, tested: trialled.size });
    expect(rows.find((row) => row.id === 'vendor/alpha:free')?.evals).toBeUndefined();
    expect((await workspace.run(['models', 'list'])).stdout).toMatch(new RegExp(`vendor/beta:free .* 1/${trialled.size} skills`));

    // the catalog entry changes (a smaller context): the old results no longer speak for it, it is on trial again
    provider.setModels([early(), openRouterModel({ id: 'vendor/alpha:free' }), openRouterModel({ id: 'vendor/beta:free', context: 8000 })]);
    const changed = await workspace.run(['models', 'sync']);
    expect(changed.stdout).toMatch(/trial {5}openrouter\/vendor\/beta:free on extract \(changed catalog entry\) — eval queued/);
    const stale = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(candidates(stale.stdout)).toEqual(['openrouter/vendor/alpha:free']);
    expect(stale.stdout).toContain('openrouter/vendor/beta:free — quality: new model on trial: untested on extract');
  }, 120_000);
});

const localConfig = (origin: string) => `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  local:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
    models:
      - { id: broken, context: 32000 }
      - { id: right, context: 32000 }
routes:
  - use: [local/*]
    order: fixed
`;

describe('real runs as evidence', () => {
  it("a real run's step whose output never met the schema is a failure of that model on the skill", async () => {
    const skill = SKILL.replace('privacy: public\n', 'privacy: public\nquality: { min_pass_rate: 0.3, untested: allow }\n');
    workspace = createWorkspace(localConfig(provider.url), { extract: skill }, { LOCAL_KEY: 'k-local' });
    provider.reply((request) => (request.model === 'broken' ? { text: '{"title": ' } : { json: { title: 'Dentist' } }));
    const run = await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist', '--json']);
    // broken answered twice (first try and the repair) with invalid JSON; right then served
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).steps[0].model).toBe('right');
    const ledger = new Ledger<SqliteDb>(path.join(workspace.state, 'ledger.db'));
    try {
      const rows = ledger.evalResultsOf('extract');
      expect(rows.map((row) => [row.case_id, row.candidate, row.status])).toEqual([['run:parse', 'local/broken', 'fail']]);
      expect(rows[0].problem).toContain('output still invalid after one repair');
    } finally {
      ledger.close();
    }
    // and routing reads it: 0/1 is below the bar, so the next run does not ask broken at all
    const dry = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(dry.stdout).toContain('local/broken — quality: 0/1 pass, lower bound 0.00 on extract, below min_pass_rate 0.3');
    expect(candidates(dry.stdout)).toEqual(['local/right']);
  });
});
