// The dashboard in a real browser: Debian's Chromium driven by playwright-core (which never downloads a browser),
// over a ledger filled by real CLI runs through the loopback fake provider. The numbers on each page must be the
// ones `portai usage --json`, `runs list --json`, `runs show --json` and `queue list --json` print; the charts
// must be drawn; and the page must refuse a caller without the token, with a foreign Host or a foreign Origin.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { cliPath, repoRoot } from './helpers/cli.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const CHROMIUM = '/usr/bin/chromium';
// without the background-networking flags Chromium keeps dialling out, which a closed network refuses
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'dashboard');
const KEY = 'sk-local-dashboard-4b1f9e2a7c3d5e6f';
const ROUTER_KEY = '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';

const provider = useFakeProvider();
let workspace: Workspace;
let dashboard: { child: ChildProcessWithoutNullStreams; link: string; origin: string };
let serve: { child: ChildProcessWithoutNullStreams; origin: string };
let context: BrowserContext;
let page: Page;
let token: string;

function config(origin: string): string {
  return `skills: ./skills
budget: { usd_per_day: 1 }
providers:
  local:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
    limits: { requests_per_day: 12, windows: [ { hours: 5, requests: 8 } ] }
    models:
      - id: small-model
        context: 32000
      - id: other-model
        context: 32000
  paid:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    models:
      - id: pricey
        price: { input: 1, output: 2 }
        max_output: 1000
  openrouter:
    preset: openrouter
    base_url: ${origin}/api/v1
    models:
      - id: meta-llama/llama-free:free
routes:
  - when: { skill: paid-* }
    use: [paid/pricey]
  - when: { skill: router-* }
    use: [openrouter/*]
  - use: [local/*]
`;
}

/** a CLI child that keeps running; resolves with the first stdout/stderr line that matches */
function startChild(args: string[], pattern: RegExp): Promise<{ child: ChildProcessWithoutNullStreams; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: workspace.dir, env: workspace.env as NodeJS.ProcessEnv });
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`portai ${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

function stopChild(child: ChildProcessWithoutNullStreams | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function cliJson<T>(args: string[]): Promise<T> {
  const result = await workspace.run(args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** a raw request with headers a browser would not let a page set (Host) */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

async function show(hash: string): Promise<void> {
  const before = Number((await page.evaluate(() => document.body.dataset.loaded)) ?? 0);
  await page.evaluate((target) => (location.hash = target), hash);
  await page.waitForFunction((count) => Number(document.body.dataset.loaded ?? 0) > count, before);
}

/** pixels of the series colour (#2563eb) on the page's canvases: the data itself was drawn, not only the axes */
function seriesPixels(selector: string): Promise<number[]> {
  return page.evaluate((within) => {
    return [...document.querySelectorAll(`${within} canvas`)].map((node) => {
      const canvas = node as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        if (data[index + 3] > 0 && Math.abs(data[index] - 37) < 40 && Math.abs(data[index + 1] - 99) < 40 && Math.abs(data[index + 2] - 235) < 40) count++;
      }
      return count;
    });
  }, selector);
}

interface ShownRun {
  id: string;
  inputs: { name?: string };
  attempts: Array<{ provider: string; model: string; status: string; cost_usd: number | null }>;
}

/** every run as `runs show --json` prints it, read once (the ledger does not change between the read-only tests) */
let shownRuns: Promise<ShownRun[]> | undefined;
function allRuns(): Promise<ShownRun[]> {
  shownRuns ??= cliJson<Array<{ id: string }>>(['runs', 'list', '--limit', '100', '--json']).then((runs) => Promise.all(runs.map((run) => cliJson<ShownRun>(['runs', 'show', run.id, '--json']))));
  return shownRuns;
}

const usd = (value: number) => `$${value.toFixed(4)}`;
const count = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

interface UsageJson {
  budget_usd_per_day: number;
  spend_today_usd: number;
  providers: Array<{ provider: string; requests_today: number; spend_today_usd: number; limits: Array<{ window: string; unit: string; limit: number; used: number; remaining: number }> }>;
}

beforeAll(async () => {
  workspace = createWorkspace(
    config(provider.url),
    { greet: HELLO_SKILL, 'paid-greet': HELLO_SKILL.replace('name: greet', 'name: paid-greet'), 'router-greet': HELLO_SKILL.replace('name: greet', 'name: router-greet') },
    { LOCAL_KEY: KEY, OPENROUTER_API_KEY: ROUTER_KEY },
  );
  // four plain runs, one that falls from a failing model to the next, one metered run, one "free" run that billed
  for (const name of ['Ada', 'Brian', 'Cleo', 'Dan']) expect((await workspace.run(['run', 'skill', 'greet', '-i', `name=${name}`])).code).toBe(0);
  provider.enqueue({ model: 'small-model', status: 400, body: { error: { message: 'bad request from upstream', code: 400 } } }, { model: 'other-model', text: 'Hello Eve', usage: { input_tokens: 40, output_tokens: 4 } });
  expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Eve'])).code).toBe(0);
  provider.enqueue({ text: 'paid hello', usage: { input_tokens: 100_000, output_tokens: 50_000 }, cost: 0.2 });
  expect((await workspace.run(['run', 'skill', 'paid-greet', '-i', 'name=Fay'])).code).toBe(0);
  provider.enqueue({ text: 'billed hello', cost: 0.0042 });
  expect((await workspace.run(['run', 'skill', 'router-greet', '-i', 'name=Gus'])).code).toBe(0);
  // a deferred run whose models answer 429 with a long Retry-After waits; one more stays queued
  expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Later', '--defer'])).code).toBe(0);
  provider.reply(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'rate limited, try later' } } }));
  expect((await workspace.run(['worker', '--once'])).code).toBe(0);
  expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Queued', '--defer'])).code).toBe(0);

  const started = await startChild(['dashboard', '--port', '0'], /(http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)\n/);
  dashboard = { child: started.child, link: started.match[0].trim(), origin: started.match[1] };
  token = decodeURIComponent(started.match[2]);
  const served = await startChild(['serve', '--port', '0'], /portai serve listening on (http:\/\/127\.0\.0\.1:\d+)/);
  serve = { child: served.child, origin: served.match[1] };

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'portai-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 120_000);

afterAll(async () => {
  await context?.close();
  await Promise.all([stopChild(dashboard?.child), stopChild(serve?.child)]);
  workspace?.cleanup();
});

describe('portai dashboard in Chromium', () => {
  it('refuses a browser without the token, and a wrong token', async () => {
    await context.clearCookies();
    const bare = await page.goto(`${dashboard.origin}/`);
    expect(bare?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('not signed in');
    const api = await page.goto(`${dashboard.origin}/api/usage`);
    expect(api?.status()).toBe(401);
    const wrong = await page.goto(`${dashboard.origin}/?token=portai-not-the-token`);
    expect(wrong?.status()).toBe(401);
    expect(await context.cookies()).toEqual([]);
  });

  it('refuses a foreign Host, a foreign Origin and a request another site started, even with the token', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    const port = new URL(dashboard.origin).port;
    expect((await rawGet(`${dashboard.origin}/api/usage`, bearer)).status).toBe(200);
    expect((await rawGet(`${dashboard.origin}/api/usage`, { ...bearer, host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawGet(`${dashboard.origin}/api/usage`, { ...bearer, origin: 'http://evil.example' })).status).toBe(403);
    // another web app on this machine is same-site to a cookie: only the dashboard's own origin passes
    expect((await rawGet(`${dashboard.origin}/api/usage`, { ...bearer, origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await rawGet(`${dashboard.origin}/api/usage`, { ...bearer, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await rawGet(`${dashboard.origin}/api/usage`, { ...bearer, origin: dashboard.origin })).status).toBe(200);
  });

  it('trades the token in the link for an HttpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    await context.clearCookies();
    await page.goto(dashboard.link);
    await page.waitForFunction(() => Number(document.body.dataset.loaded ?? 0) > 0);
    expect(page.url()).toBe(`${dashboard.origin}/`);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'portai_dashboard', httpOnly: true, sameSite: 'Strict', path: '/' });
    // the cookie is not the token: it cannot be replayed against serve's /v1 endpoints
    expect(cookies[0].value).not.toContain(token);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('a page of another local web app can neither read it nor open it, though the browser holds the cookie', async () => {
    const other = http.createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>other app</title><a id="go" href="${dashboard.origin}/api/usage">usage</a>`),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
      await page.goto(`${otherOrigin}/`);
      expect(await context.cookies(dashboard.origin)).toHaveLength(1);
      // a script's fetch gets nothing to read (no CORS headers)
      const result = await page.evaluate((target) => fetch(target, { credentials: 'include' }).then((response) => `read ${response.status}`, (error: Error) => `refused: ${error.name}`), `${dashboard.origin}/api/usage`);
      expect(result).toBe('refused: TypeError');
      // a link the user clicks carries the cookie (another port is the same site), and the dashboard refuses it
      const [response] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
      expect(response?.url()).toBe(`${dashboard.origin}/api/usage`);
      expect(await response?.request().headerValue('sec-fetch-site')).toBe('same-site');
      expect(await response?.request().headerValue('cookie')).toContain('portai_dashboard=');
      expect(response?.status()).toBe(403);
      expect(await page.textContent('body')).toContain('requests started by other web pages are refused');
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
      await page.goto(`${dashboard.origin}/`);
    }
  });

  it('quota: every window shows the numbers `portai usage --json` prints, with a drawn chart and the low-window warning', async () => {
    // rolling windows slide while the test reads: compare only when two page reads around the CLI call agree
    const read = async () => {
      await page.reload();
      await page.waitForFunction(() => Number(document.body.dataset.loaded ?? 0) > 0);
      return page.evaluate(() => ({
        spend: document.querySelector('[data-testid="spend-today"] .big')?.textContent,
        providers: [...document.querySelectorAll('section[data-provider]')].map((section) => ({
          provider: (section as HTMLElement).dataset.provider,
          requests_today: section.querySelector('[data-testid="provider-requests"]')?.textContent,
          spend_today: section.querySelector('[data-testid="provider-spend"]')?.textContent,
          limits: [...section.querySelectorAll('.card[data-window]')].map((card) => {
            const data = (card as HTMLElement).dataset;
            return { window: data.window, unit: data.unit, limit: Number(data.limit), used: Number(data.used), remaining: Number(data.remaining), shown: `${card.querySelector('.used')?.textContent} ${card.querySelector('.limit')?.textContent}` };
          }),
        })),
      }));
    };
    await show('quota');
    const localAttempts = (await allRuns()).flatMap((run) => run.attempts).filter((attempt) => attempt.provider === 'local').length;
    let local: UsageJson['providers'][number] | undefined;
    let compared = false;
    for (let tries = 0; tries < 3 && !compared; tries++) {
      const first = await read();
      const usage = await cliJson<UsageJson>(['usage', '--json']);
      const second = await read();
      if (JSON.stringify(first) !== JSON.stringify(second)) continue;
      expect(first.spend).toBe(usd(usage.spend_today_usd));
      expect(first.providers).toEqual(
        usage.providers.map((entry) => ({
          provider: entry.provider,
          requests_today: count(entry.requests_today),
          spend_today: usd(entry.spend_today_usd),
          limits: entry.limits.map((limit) => ({ ...limit, shown: limit.unit === 'usd' ? `${usd(limit.used)} / ${usd(limit.limit)}` : `${count(limit.used)} / ${count(limit.limit)}` })),
        })),
      );
      local = usage.providers.find((entry) => entry.provider === 'local')!;
      compared = true;
    }
    expect(compared).toBe(true);
    // the runs above really used the windows: every request the ledger holds for local counts today
    expect(local!.requests_today).toBe(localAttempts);
    expect(localAttempts).toBeGreaterThanOrEqual(7);
    // 5-hour window: under 20% left is flagged, the day's (at least a third left) is not
    const fiveHours = local!.limits.find((limit) => limit.window === '5 h')!;
    expect(fiveHours.remaining / fiveHours.limit).toBeLessThan(0.2);
    const warning = await page.textContent('section[data-provider="local"] .card[data-window="5 h"] [data-testid="window-warning"]');
    expect(warning).toContain(`only ${Math.round((fiveHours.remaining / fiveHours.limit) * 100)}% left`);
    // the day has a third left, but at this hour's burn rate it runs out before 00:00 UTC: the forecast says so
    const day = local!.limits.find((limit) => limit.window === 'day (UTC)')!;
    expect(day.remaining / day.limit).toBeGreaterThan(0.2);
    const dayWarning = await page.textContent('section[data-provider="local"] .card[data-window="day (UTC)"] [data-testid="window-warning"]');
    expect(dayWarning).not.toContain('% left');
    expect(dayWarning).toMatch(/^runs out \d\d:\d\d UTC \(in [^)]+\), before it resets$/);
    const quota = await page.evaluate(() => fetch('api/quota').then((response) => response.json()));
    const dayWindow = quota.windows.find((window: { provider: string; window: string; unit: string }) => window.provider === 'local' && window.window === 'day (UTC)' && window.unit === 'requests');
    expect(dayWindow).toMatchObject({ low: false, runs_out_before_reset: true, reset_utc: expect.stringMatching(/T00:00:00\.000Z$/) });
    const pixels = await seriesPixels('section[data-provider="local"] .card[data-window="day (UTC)"]');
    expect(pixels.length).toBeGreaterThan(0);
    expect(Math.max(...pixels)).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(ARTIFACTS, 'quota.png'), fullPage: true });
  });

  it('spend: today against the budget as `usage --json` says, the per-day chart, and the cost alarm', async () => {
    await show('spend');
    const usage = await cliJson<UsageJson>(['usage', '--json']);
    expect(await page.textContent('[data-testid="spend-today"]')).toBe(usd(usage.spend_today_usd));
    expect(await page.textContent('[data-testid="budget"]')).toBe(usd(usage.budget_usd_per_day));
    // $0.20 for the metered run plus the $0.0042 a free model billed
    expect(usage.spend_today_usd).toBeCloseTo(0.2042, 6);
    expect(await page.textContent('[data-testid="alarms-active"]')).toBe('1');
    const alarms = await page.textContent('[data-testid="alarms"]');
    expect(alarms).toContain('openrouter');
    expect(alarms).toContain('portai providers unblock openrouter');
    const pixels = await seriesPixels('[data-testid="spend-chart"]');
    expect(Math.max(...pixels)).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(ARTIFACTS, 'spend.png'), fullPage: true });
  });

  it('models: attempts, success rate and last error per model agree with the attempts `runs show --json` lists', async () => {
    const attempts = (await allRuns()).flatMap((run) => run.attempts);
    await show('models');
    for (const ref of ['local/small-model', 'local/other-model', 'paid/pricey', 'openrouter/meta-llama/llama-free:free']) {
      const mine = attempts.filter((attempt) => `${attempt.provider}/${attempt.model}` === ref && attempt.status !== 'reserved');
      const row = page.locator(`tr[data-model="${ref}"]`);
      expect(await row.locator('[data-testid="attempts"]').textContent()).toBe(String(mine.length));
      const ok = mine.filter((attempt) => attempt.status === 'ok').length;
      expect(await row.locator('[data-testid="success"]').textContent()).toBe(mine.length ? `${Math.round((ok / mine.length) * 100)}%` : '—');
    }
    expect(await page.textContent('tr[data-model="local/small-model"]')).toMatch(/rate_limited|bad_request/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'models.png'), fullPage: true });
  });

  it('runs: the list is `runs list --json`, a filter narrows it, and one run shows its plan, attempts, tokens and cost', async () => {
    await show('runs');
    const listed = await cliJson<Array<{ id: string; status: string }>>(['runs', 'list', '--limit', '50', '--json']);
    expect(await page.$$eval('tr[data-run]', (rows) => rows.map((row) => (row as HTMLElement).dataset.run))).toEqual(listed.map((run) => run.id));
    await page.selectOption('select[name="status"]', 'ok');
    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-run] .pill')].every((pill) => pill.textContent === 'ok'));
    expect(await page.$$eval('tr[data-run]', (rows) => rows.length)).toBe(listed.filter((run) => run.status === 'ok').length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'runs.png'), fullPage: true });

    // the run that fell from small-model (400) to other-model
    const eve = (await allRuns()).find((run) => run.inputs.name === 'Eve')!;
    await show(`runs/${eve.id}`);
    expect(await page.textContent('[data-testid="run-status"]')).toBe('ok');
    const step = page.locator('.step[data-step="say"]');
    expect(await step.textContent()).toContain('chosen: served the step');
    expect(await step.textContent()).toContain('tried: bad_request');
    expect(await step.locator('table').nth(1).locator('tbody tr').count()).toBe(eve.attempts.length);
    expect(await page.textContent('[data-testid="run-cost"]')).toBe(usd(eve.attempts.reduce((sum, attempt) => sum + (attempt.cost_usd ?? 0), 0)));
    expect(await page.textContent('[data-testid="run-output"]')).toContain('Hello Eve');
    await page.screenshot({ path: path.join(ARTIFACTS, 'run.png'), fullPage: true });
  });

  it('queue: the waiting and queued jobs `queue list --json` prints, with not-before time and reason', async () => {
    await show('queue');
    const jobs = await cliJson<Array<{ id: string; state: string; not_before: string | null; reason: string | null }>>(['queue', 'list', '--json']);
    expect(jobs.map((job) => job.state).sort()).toEqual(['queued', 'waiting']);
    expect(await page.$$eval('tr[data-job]', (rows) => rows.map((row) => (row as HTMLElement).dataset.job))).toEqual(jobs.map((job) => job.id));
    const waiting = jobs.find((job) => job.state === 'waiting')!;
    expect(waiting.not_before).not.toBeNull();
    const row = await page.textContent(`tr[data-job="${waiting.id}"]`);
    expect(row).toContain(`${waiting.not_before!.slice(11, 16)} UTC`);
    expect(row).toContain(waiting.reason!);
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue.png'), fullPage: true });
  });

  it('updates live: a run made while the page is open appears without a reload', async () => {
    await show('runs');
    await page.selectOption('select[name="status"]', '');
    await page.waitForFunction((count) => document.querySelectorAll('tr[data-run]').length === count, (await cliJson<unknown[]>(['runs', 'list', '--limit', '50', '--json'])).length);
    const before = await page.$$eval('tr[data-run]', (rows) => rows.length);
    // local's models wait out the 429s and the others are not on greet's route: the run is blocked, and recorded
    const blocked = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Live']);
    expect(blocked.code).toBe(3);
    await page.waitForFunction((count) => document.querySelectorAll('tr[data-run]').length > count, before, { timeout: 10_000 });
    expect(await page.textContent('tr[data-run]:first-child')).toContain('blocked');
  });

  it('is mounted by `portai serve` at /dashboard behind the same token', async () => {
    expect((await rawGet(`${serve.origin}/dashboard/api/usage`, {})).status).toBe(401);
    await page.goto(`${serve.origin}/dashboard/?token=${encodeURIComponent(token)}`);
    await page.waitForFunction(() => Number(document.body.dataset.loaded ?? 0) > 0);
    expect(page.url()).toBe(`${serve.origin}/dashboard/`);
    const usage = await cliJson<UsageJson>(['usage', '--json']);
    expect(await page.textContent('[data-testid="spend-today"] .big')).toBe(usd(usage.spend_today_usd));
    const cookie = (await context.cookies(`${serve.origin}/dashboard/`)).find((entry) => entry.path === '/dashboard');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });
});
