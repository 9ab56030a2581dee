// The ledger on a real SQLite file: migrations, windows at their boundaries, reservations, blocks, jobs, catalog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type SqliteDb, type ReserveInput } from '../src/ledger/index.js';
import { MIGRATIONS } from '../src/ledger/migrations.js';

let dir: string;
let ledger: Ledger<SqliteDb>;
const at = (time: string) => Date.parse(`2026-11-26T${time}Z`);
const providers = [{ name: 'p', windows: [5] }];

function attempt(now_ms: number, extra: Partial<ReserveInput> = {}): string {
  const result = ledger.reserve({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms, ...extra }, providers, () => null);
  if (!('attempt_id' in result)) throw new Error('unexpected rejection');
  return result.attempt_id;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-ledger-'));
  ledger = openLedger(dir);
});
afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are applied once, recorded by name, and reopening is a no-op', () => {
    const names = () => (ledger.db.sqlite.prepare('SELECT name FROM migrations ORDER BY name').all() as Array<{ name: string }>).map((row) => row.name);
    expect(names()).toEqual(MIGRATIONS.map((migration) => migration.name));
    ledger.close();
    ledger = openLedger(dir);
    expect(names()).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(ledger.db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('a start interrupted after the migrations table was made is finished, not refused as foreign', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-ledger-'));
    try {
      const started = new Database(path.join(other, 'ledger.db'));
      started.exec('CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_utc TEXT NOT NULL)');
      started.close();
      const finished = openLedger(other);
      expect((finished.db.sqlite.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
      finished.close();
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('usage windows', () => {
  it('the minute is rolling and the day is the UTC calendar day', () => {
    attempt(at('23:59:30'));
    const justAfterMidnight = Date.parse('2026-11-27T00:00:10Z');
    const usage = ledger.usage(providers, justAfterMidnight).providers.p;
    expect(usage.minute).toBe(1); // 40 s ago: still in the rolling minute
    expect(usage.minute_oldest_ms).toBe(at('23:59:30'));
    expect(usage.day).toBe(0); // but yesterday for the UTC day
    expect(ledger.usage(providers, at('23:59:59')).providers.p.day).toBe(1);
  });

  it('rolling windows count a margin longer: a request still counts 60.5 s later with a 1 s margin, and frees after 61 s', () => {
    const withMargin = [{ name: 'p', windows: [5], margin_ms: 1_000 }];
    attempt(at('10:00:00'));
    const minuteLater = ledger.usage(withMargin, at('10:01:00') + 500).providers.p;
    expect(minuteLater).toMatchObject({ minute: 1, minute_oldest_ms: at('10:00:00') });
    expect(ledger.usage(withMargin, at('10:01:01')).providers.p.minute).toBe(0);
    expect(ledger.usage(providers, at('10:01:00') + 500).providers.p.minute).toBe(0); // no margin: gone at 60 s
    expect(ledger.usage(withMargin, at('15:00:00') + 500).providers.p.windows[0].requests).toBe(1);
    expect(ledger.usage(withMargin, at('15:00:01')).providers.p.windows[0].requests).toBe(0);
  });

  it('counts a window from when the request was sent, never earlier than its reservation', () => {
    const withMargin = [{ name: 'p', windows: [], margin_ms: 1_000 }];
    const slow = attempt(at('10:00:00'));
    ledger.markSent(slow, at('10:00:00') + 800);
    ledger.markSent(slow, at('10:00:00') + 100); // never moves back
    expect(ledger.usage(withMargin, at('10:00:30')).providers.p.minute_oldest_ms).toBe(at('10:00:00') + 800);
    expect(ledger.usage(withMargin, at('10:01:01') + 500).providers.p.minute).toBe(1);
    expect(ledger.usage(withMargin, at('10:01:01') + 800).providers.p.minute).toBe(0);
    ledger.finishAttempt(slow, { status: 'ok', duration_ms: 5, now_ms: at('10:00:02') });
    ledger.markSent(slow, at('10:00:05')); // a finished attempt keeps its time
    expect(ledger.usage(withMargin, at('10:00:30')).providers.p.minute_oldest_ms).toBe(at('10:00:00') + 800);
  });

  it('a released attempt (never sent) weighs nothing and is nobody\'s oldest request', () => {
    const unsent = attempt(at('10:00:00'), { list_usd_reserved: 0.5 });
    attempt(at('10:00:20'));
    ledger.finishAttempt(unsent, { status: 'error', error_kind: 'network', released: true, cost_usd: 0, duration_ms: 5, now_ms: at('10:00:01') });
    const usage = ledger.usage(providers, at('10:00:30')).providers.p;
    expect(usage).toMatchObject({ minute: 1, minute_oldest_ms: at('10:00:20'), day: 1 });
    expect(usage.windows[0]).toMatchObject({ requests: 1, usd: 0, oldest_ms: at('10:00:20') });
  });

  it('counts weights, failed attempts, and USD windows at list price (reserved until the real figure is known)', () => {
    const first = attempt(at('10:00:00'), { weight: 3, list_usd_reserved: 0.5 });
    attempt(at('11:00:00'), { list_usd_reserved: 0.25 });
    ledger.finishAttempt(first, { status: 'error', error_kind: 'overloaded', duration_ms: 5, now_ms: at('10:00:01') });
    let usage = ledger.usage(providers, at('12:00:00')).providers.p;
    expect(usage.day).toBe(4);
    expect(usage.windows[0]).toMatchObject({ hours: 5, requests: 4, usd: 0.75, oldest_ms: at('10:00:00') });
    // a reservation is in flight until finished, but not forever: a crashed process must not hold a slot
    expect(usage.in_flight).toBe(0);
    expect(ledger.usage(providers, at('11:05:00')).providers.p.in_flight).toBe(1);
    ledger.finishAttempt(first, { status: 'error', duration_ms: 5, list_usd: 0.1, now_ms: at('10:00:01') });
    usage = ledger.usage(providers, at('15:59:00')).providers.p;
    // 10:00 has left the 5 h window; 11:00 has not
    expect(usage.windows[0]).toMatchObject({ requests: 1, usd: 0.25 });
  });

  it('metered spend counts the reserved worst case until the real cost replaces it, and any surprise cost too', () => {
    const metered = attempt(at('09:00:00'), { billing: 'metered', reserved_usd: 0.02 });
    expect(ledger.usage(providers, at('09:00:01')).metered_usd_today).toBeCloseTo(0.02);
    ledger.finishAttempt(metered, { status: 'ok', cost_usd: 0.004, duration_ms: 10, now_ms: at('09:00:02') });
    const free = attempt(at('09:30:00'));
    ledger.finishAttempt(free, { status: 'ok', cost_usd: 0.001, duration_ms: 10, now_ms: at('09:30:01') });
    expect(ledger.usage(providers, at('10:00:00')).metered_usd_today).toBeCloseTo(0.005);
  });

  it('reserve hands the guard a fresh snapshot and writes nothing when it rejects', () => {
    const admitFive = (snapshot: { providers: Record<string, { day: number }> }) => (snapshot.providers.p.day >= 5 ? 'full' : null);
    const outcomes = Array.from({ length: 7 }, () => ledger.reserve({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms: at('12:00:00') }, providers, admitFive));
    expect(outcomes.filter((outcome) => 'attempt_id' in outcome)).toHaveLength(5);
    expect(outcomes.slice(5)).toEqual([{ rejected: 'full' }, { rejected: 'full' }]);
    expect(ledger.usage(providers, at('12:00:01')).providers.p.day).toBe(5);
  });
});

describe('blocks', () => {
  it('expire, can be scoped to one run, and are cleared per provider', () => {
    ledger.addBlock({ provider: 'p', model: 'm', scope: 'model', kind: 'model_gone', reason: 'gone', until_ms: at('12:00:00') });
    ledger.addBlock({ provider: 'p', model: null, scope: 'provider', kind: 'payment_required', reason: '402', until_ms: at('13:00:00'), run_id: 'RUN1' });
    ledger.addBlock({ provider: 'q', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'billed', until_ms: null });
    expect(ledger.activeBlocks(at('11:00:00'), null).map((block) => block.kind)).toEqual(['model_gone', 'cost_alarm']);
    expect(ledger.activeBlocks(at('11:00:00'), 'RUN1').map((block) => block.kind)).toEqual(['model_gone', 'payment_required', 'cost_alarm']);
    expect(ledger.activeBlocks(at('12:30:00'), 'RUN1').map((block) => block.kind)).toEqual(['payment_required', 'cost_alarm']);
    expect(ledger.clearBlocks('q')).toBe(1);
    expect(ledger.activeBlocks(at('12:30:00'), null)).toEqual([]);
  });
});

describe('jobs', () => {
  const me = { id: 'me', pid: process.pid, host: os.hostname() };
  it('a job is claimed by one worker only, and not before its time', () => {
    const run = ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', inputs: {}, now_utc: '', today: '', status: 'queued' });
    ledger.enqueue({ run_id: run, skill: 's', not_before_ms: at('12:00:00') });
    expect(ledger.claimJob(me, at('11:59:59'), 60_000)).toBeUndefined();
    const job = ledger.claimJob(me, at('12:00:00'), 60_000);
    // claiming is not an attempt (only a run that sent and failed, or a take-over, counts one)
    expect(job).toMatchObject({ state: 'running', attempts: 0, lease_pid: process.pid });
    expect(ledger.claimJob({ ...me, id: 'other' }, at('12:00:30'), 60_000)).toBeUndefined();
  });

  it('a lease that ran out, or whose process is dead on this host, is taken over', () => {
    const run = ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', inputs: {}, now_utc: '', today: '', status: 'queued' });
    ledger.enqueue({ run_id: run, skill: 's' });
    ledger.claimJob({ id: 'far', pid: 1, host: 'another-host' }, at('12:00:00'), 60_000);
    expect(ledger.claimJob(me, at('12:00:30'), 60_000)).toBeUndefined();
    expect(ledger.claimJob(me, at('12:01:00'), 60_000)?.attempts).toBe(1);
    // a dead pid on this host: reclaimed at once
    const deadPid = 2 ** 22 + 12345;
    ledger.setJobState(ledger.listJobs()[0].id, 'queued');
    ledger.claimJob({ id: 'dead', pid: deadPid, host: os.hostname() }, at('12:02:00'), 600_000);
    expect(ledger.claimJob(me, at('12:02:01'), 60_000)?.attempts).toBe(2);
  });

  it('a slow job whose owner process is alive on this host is never taken over, even past its lease', () => {
    const run = ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', inputs: {}, now_utc: '', today: '', status: 'queued' });
    ledger.enqueue({ run_id: run, skill: 's' });
    const parent = { id: 'parent', pid: process.ppid, host: os.hostname() };
    ledger.claimJob(parent, at('12:00:00'), 60_000);
    expect(ledger.claimJob(me, at('13:00:00'), 60_000)).toBeUndefined();
  });
});

describe('catalog', () => {
  it('keeps the last two syncs so changes can be reported', () => {
    const model = (id: string, price: number) => ({ id, prompt_price: price, completion_price: price, context: 1000, expiration: null, raw: { id } });
    ledger.saveCatalog('p', [model('a', 0), model('b', 0)], at('01:00:00'));
    ledger.saveCatalog('p', [model('a', 1)], at('02:00:00'));
    ledger.saveCatalog('p', [model('a', 2)], at('03:00:00'));
    expect(ledger.lastSync('p')).toBe(at('03:00:00'));
    expect(ledger.catalogOf('p').map((entry) => [entry.id, entry.prompt_price])).toEqual([['a', 2]]);
    expect(ledger.previousCatalog('p').map((entry) => [entry.id, entry.prompt_price])).toEqual([['a', 1]]);
    expect(ledger.db.sqlite.prepare('SELECT COUNT(*) AS n FROM catalog_models').get()).toEqual({ n: 2 });
  });
});

it('runs keep inputs, output and the step results that a resume reuses', () => {
  const id = ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', skill_commit: 'c0ffee', inputs: { n: 1 }, now_utc: '2026-11-26T10:00:00Z', today: '2026-11-26', status: 'running' });
  ledger.saveStepResult(id, 'one', 'hash1', { title: 'x' });
  ledger.setRunStatus(id, 'ok', { output: 'done' });
  const run = ledger.getRun(id);
  expect(run).toMatchObject({ skill: 's', skill_commit: 'c0ffee', inputs: { n: 1 }, output: 'done', status: 'ok' });
  expect(run?.finished_utc).toBeTruthy();
  expect(ledger.stepResults(id)).toEqual([{ step_id: 'one', content_hash: 'hash1', output: { title: 'x' } }]);
  expect(ledger.runStats('s')).toEqual([{ skill_hash: 'h', skill_commit: 'c0ffee', runs: 1, ok: 1 }]);
});
