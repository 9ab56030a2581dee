// The ledger's contract: the same cases on every backend (SQLite file, real PostgreSQL). What the runner, router,
// serve and the queue rely on — windows, check-and-reserve, holds, blocks, leases, catalog, runs, effects — must
// not depend on where the ledger lives.
import os from 'node:os';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger, ReserveInput } from '../src/ledger/index.js';
import { MIGRATIONS } from '../src/ledger/migrations.js';
import { rememberSecrets } from '../src/redact.js';
import { BACKENDS, harness, stopSharedCluster } from './helpers/ledger-backends.js';
import { referenceHealthEvidence } from './helpers/health-evidence-reference.js';

const at = (time: string) => Date.parse(`2026-11-26T${time}Z`);
const providers = [{ name: 'p', windows: [5] }];

afterAll(() => stopSharedCluster());

describe.each(BACKENDS)('ledger on %s', (backend) => {
  const backendHarness = harness(backend);
  let ledger: Ledger;

  function attempt(now_ms: number, extra: Partial<ReserveInput> = {}): string {
    const result = ledger.reserve({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms, ...extra }, providers, () => null);
    if (!('attempt_id' in result)) throw new Error('unexpected rejection');
    return result.attempt_id;
  }
  const newRun = (status: 'queued' | 'running' = 'queued') => ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', inputs: {}, now_utc: '', today: '', status });

  beforeEach(async () => {
    ledger = await backendHarness.open();
  });
  afterEach(() => backendHarness.cleanup());

  it('applies the named migrations once; opening again is a no-op', () => {
    const names = (of: Ledger) => (of.db.statement('SELECT name FROM migrations ORDER BY name').all() as Array<{ name: string }>).map((row) => row.name);
    expect(names(ledger)).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
    const again = backendHarness.reopen(ledger);
    expect(names(again)).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
  });

  it('the minute is rolling, the day is the UTC calendar day, and rolling windows count a margin longer', () => {
    attempt(at('23:59:30'));
    const justAfterMidnight = Date.parse('2026-11-27T00:00:10Z');
    expect(ledger.usage(providers, justAfterMidnight).providers.p).toMatchObject({ minute: 1, minute_oldest_ms: at('23:59:30'), day: 0 });
    expect(ledger.usage(providers, at('23:59:59')).providers.p.day).toBe(1);
    const withMargin = [{ name: 'p', windows: [0.5], margin_ms: 1_500 }];
    expect(ledger.usage(withMargin, at('23:59:30') + 61_000).providers.p.minute).toBe(1);
    expect(ledger.usage(withMargin, at('23:59:30') + 61_500).providers.p.minute).toBe(0);
    expect(ledger.usage(withMargin, at('23:59:30') + 1_801_000).providers.p.windows[0].requests).toBe(1);
  });

  it('markSent only moves a reservation later; a released attempt weighs nothing', () => {
    const slow = attempt(at('10:00:00'));
    ledger.markSent(slow, at('10:00:00') + 800);
    ledger.markSent(slow, at('10:00:00') + 100);
    expect(ledger.usage(providers, at('10:00:30')).providers.p.minute_oldest_ms).toBe(at('10:00:00') + 800);
    const unsent = attempt(at('10:00:10'), { list_usd_reserved: 0.5 });
    ledger.finishAttempt(unsent, { status: 'error', error_kind: 'network', released: true, cost_usd: 0, duration_ms: 5, now_ms: at('10:00:11') });
    expect(ledger.usage(providers, at('10:00:30')).providers.p).toMatchObject({ minute: 1, day: 1, in_flight: 1 });
    expect(ledger.usage(providers, at('10:00:30')).providers.p.windows[0]).toMatchObject({ requests: 1, usd: 0 });
  });

  it('counts weights, failed attempts, USD windows at list price, and metered spend at the reserved worst case', () => {
    const first = attempt(at('10:00:00'), { weight: 3, list_usd_reserved: 0.5 });
    attempt(at('11:00:00'), { list_usd_reserved: 0.25 });
    ledger.finishAttempt(first, { status: 'error', error_kind: 'overloaded', duration_ms: 5, now_ms: at('10:00:01') });
    expect(ledger.usage(providers, at('12:00:00')).providers.p).toMatchObject({ day: 4, in_flight: 0 });
    expect(ledger.usage(providers, at('12:00:00')).providers.p.windows[0]).toMatchObject({ hours: 5, requests: 4, usd: 0.75, oldest_ms: at('10:00:00') });
    expect(ledger.usage(providers, at('11:05:00')).providers.p.in_flight).toBe(1);
    const metered = attempt(at('12:00:00'), { billing: 'metered', reserved_usd: 0.02 });
    expect(ledger.usage(providers, at('12:00:01')).metered_usd_today).toBeCloseTo(0.02);
    ledger.finishAttempt(metered, { status: 'ok', cost_usd: 0.004, input_tokens: 10, output_tokens: 20, duration_ms: 10, now_ms: at('12:00:02') });
    expect(ledger.usage(providers, at('12:00:03')).metered_usd_today).toBeCloseTo(0.004);
  });

  it('reserve hands the guard a fresh snapshot and writes nothing when it rejects', () => {
    const admitFive = (snapshot: { providers: Record<string, { day: number }> }) => (snapshot.providers.p.day >= 5 ? 'full' : null);
    const outcomes = Array.from({ length: 7 }, () => ledger.reserve({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms: at('12:00:00') }, providers, admitFive));
    expect(outcomes.filter((outcome) => 'attempt_id' in outcome)).toHaveLength(5);
    expect(outcomes.slice(5)).toEqual([{ rejected: 'full' }, { rejected: 'full' }]);
    expect(ledger.usage(providers, at('12:00:01')).providers.p.day).toBe(5);
  });

  it('holds count for other runs, become the attempt when their step is sent, and a refused hold rolls everything back', () => {
    const run = newRun('running');
    const admitThree = (snapshot: { providers: Record<string, { day: number }> }) => (snapshot.providers.p.day >= 3 ? 'full' : null);
    const input = { run_id: run, step_id: 'one', provider: 'p', model: 'm', billing: 'free' as const, weight: 1, reserved_usd: 0, now_ms: at('09:00:00') };
    const first = ledger.reserve(input, providers, admitThree, [{ step_id: 'two', options: [{ provider: 'p', weight: 1, admit: admitThree }] }]);
    expect('attempt_id' in first).toBe(true);
    expect(ledger.usage(providers, at('09:00:01')).providers.p.day).toBe(2);
    expect(ledger.usage(providers, at('09:00:01'), { exceptRun: run }).providers.p.day).toBe(1);
    const second = ledger.reserve({ ...input, step_id: 'two' }, providers, admitThree);
    expect('attempt_id' in second).toBe(true);
    expect(ledger.usage(providers, at('09:00:02')).providers.p.day).toBe(2);
    // a third run needing two requests where one is left: refused, and neither its attempt nor its hold stays
    const other = newRun('running');
    const refused = ledger.reserve({ ...input, run_id: other, step_id: 'one' }, providers, admitThree, [{ step_id: 'two', options: [{ provider: 'p', weight: 1, admit: admitThree }] }]);
    expect(refused).toEqual({ rejected: 'full' });
    expect(ledger.usage(providers, at('09:00:03')).providers.p.day).toBe(2);
    expect(ledger.attemptsOf(other)).toEqual([]);
    expect(ledger.releaseHolds(run)).toBe(0);
  });

  it('attempts of a stopped process are abandoned, orphans of a taken-over run too, and stale reservations are released', () => {
    const run = newRun('running');
    const mine = attempt(at('10:00:00'), { run_id: run, step_id: 'a' });
    expect(ledger.abandonOrphanAttempts(run)).toBe(0); // this process's own
    expect(ledger.abandonAttempts(run, 'stopped by a signal')).toBe(1);
    expect(ledger.attemptsOf(run)).toMatchObject([{ id: mine, status: 'error', error_message: 'stopped by a signal' }]);
    attempt(at('10:00:00'));
    expect(ledger.releaseStaleReservations(at('10:30:00'))).toBe(1);
    expect(ledger.usage(providers, at('10:40:00')).providers.p).toMatchObject({ day: 2, in_flight: 0 });
  });

  it('blocks expire, can be scoped to one run, and are cleared per provider', () => {
    ledger.addBlock({ provider: 'p', model: 'm', scope: 'model', kind: 'model_gone', reason: 'gone', until_ms: at('12:00:00') });
    ledger.addBlock({ provider: 'p', model: null, scope: 'provider', kind: 'payment_required', reason: '402', until_ms: at('13:00:00'), run_id: 'RUN1' });
    ledger.addBlock({ provider: 'q', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'billed', until_ms: null });
    expect(ledger.activeBlocks(at('11:00:00'), null).map((block) => block.kind)).toEqual(['model_gone', 'cost_alarm']);
    expect(ledger.activeBlocks(at('11:00:00'), 'RUN1').map((block) => block.kind)).toEqual(['model_gone', 'payment_required', 'cost_alarm']);
    expect(ledger.activeBlocks(at('12:30:00'), 'RUN1').map((block) => block.kind)).toEqual(['payment_required', 'cost_alarm']);
    expect(ledger.clearBlocks('q')).toBe(1);
    expect(ledger.activeBlocks(at('12:30:00'), null)).toEqual([]);
  });

  it('health evidence is read from the attempts of the last hour', () => {
    const ok = attempt(at('10:00:00'));
    ledger.finishAttempt(ok, { status: 'ok', duration_ms: 200, now_ms: at('10:00:01') });
    const failed = attempt(at('10:00:05'));
    ledger.finishAttempt(failed, { status: 'error', error_kind: 'overloaded', duration_ms: 5, now_ms: at('10:00:06') });
    expect(ledger.healthEvidence(at('10:01:00'))).toMatchObject([{ provider: 'p', model: 'm', total: 2, ok: 1, recent_failures: 1, latency_ms: 200 }]);
  });

  it('health evidence from the running counters equals the sum over the attempts, at the hour and ten-minute edges', () => {
    const finish = (started: string, status: 'ok' | 'error', extra: { error_kind?: 'overloaded' | 'quota_exhausted'; client?: string } = {}) => {
      const id = attempt(at(started), { model: status === 'ok' ? 'm' : 'n', client: extra.client ?? null });
      ledger.finishAttempt(id, { status, error_kind: extra.error_kind, duration_ms: 120, now_ms: at(started) + 120 });
    };
    finish('10:00:00', 'ok');
    finish('10:00:30', 'error', { error_kind: 'overloaded' });
    finish('10:00:40', 'error', { error_kind: 'quota_exhausted' });
    finish('10:05:10', 'ok', { client: 'serve' });
    finish('10:10:20', 'error', { error_kind: 'overloaded' });
    ledger.recordAdjustment({ provider: 'p', model: 'm', at_ms: at('10:10:00'), requests: 2, reason: 'counted more', now_ms: at('10:10:30') });
    // a reservation whose process died becomes a failure (network) of its model
    attempt(at('10:20:00'));
    expect(ledger.releaseStaleReservations(at('10:20:01'))).toBe(1);
    for (const now of [at('10:11:00'), at('10:20:20'), at('10:20:30'), at('10:20:30') + 1, at('11:00:00'), at('11:00:00') + 1, at('11:00:30'), at('11:00:30') + 1, at('11:05:10'), at('10:00:20')]) {
      const got = ledger.healthEvidence(now);
      const expected = referenceHealthEvidence(ledger.db, now);
      expect(got.map(({ score: _score, ...rest }) => rest), new Date(now).toISOString()).toEqual(expected.map(({ score: _score, ...rest }) => rest));
      got.forEach((entry, index) => expect(entry.score).toBeCloseTo(expected[index].score, 9));
    }
    // the quota answer and the adjustment are not evidence; 10:10:20 is exactly ten minutes before: still recent
    expect(ledger.healthEvidence(at('10:20:20'))).toMatchObject([{ model: 'm', total: 3, ok: 2, recent_failures: 1, latency_ms: 120 }, { model: 'n', total: 2, ok: 0, recent_failures: 1 }]);
  });

  describe('jobs', () => {
    const me = { id: 'me', pid: process.pid, host: os.hostname() };

    it('a job is claimed by one worker only, and not before its time', () => {
      ledger.enqueue({ run_id: newRun(), skill: 's', not_before_ms: at('12:00:00') });
      expect(ledger.claimJob(me, at('11:59:59'), 60_000)).toBeUndefined();
      expect(ledger.claimJob(me, at('12:00:00'), 60_000)).toMatchObject({ state: 'running', attempts: 0, lease_pid: process.pid, lease_until_ms: at('12:01:00') });
      expect(ledger.claimJob({ ...me, id: 'other' }, at('12:00:30'), 60_000)).toBeUndefined();
    });

    it("another host's lease holds until it runs out (renewed, it holds longer); then the job is taken over", () => {
      const run = newRun();
      const id = ledger.enqueue({ run_id: run, skill: 's' });
      const far = { id: 'far', pid: 1, host: 'another-host' };
      ledger.claimJob(far, at('12:00:00'), 60_000);
      expect(ledger.renewLease(id, far, at('12:02:00'))).toBe(true);
      expect(ledger.renewLease(id, me, at('12:09:00'))).toBe(false);
      expect(ledger.claimJob(me, at('12:01:30'), 60_000)).toBeUndefined();
      expect(ledger.claimJob(me, at('12:02:00'), 60_000)).toMatchObject({ id, attempts: 1, lease_owner: 'me' });
      expect(ledger.findJob(run)?.id).toBe(id);
      expect(ledger.countJobAttempt(id)).toBe(2);
    });

    it('waiting jobs keep their reason and time; cancelled ones are never claimed; schedules remember their last time', () => {
      const id = ledger.enqueue({ run_id: newRun(), skill: 's' });
      ledger.setJobState(id, 'waiting', { not_before_ms: at('13:00:00'), reason: 'quota' });
      expect(ledger.getJob(id)).toMatchObject({ state: 'waiting', not_before_ms: at('13:00:00'), reason: 'quota', lease_owner: null, awaiting_user: 0 });
      ledger.setJobState(id, 'waiting', { awaiting_user: true });
      expect(ledger.claimJob(me, at('14:00:00'), 60_000)).toBeUndefined();
      expect(ledger.getJob(id)).toMatchObject({ reason: 'quota', awaiting_user: 1 });
      expect(ledger.cancelJob(id)).toBe(true);
      expect(ledger.cancelJob(id)).toBe(false);
      ledger.markDeadlineNotified(id);
      expect(ledger.listJobs()).toMatchObject([{ id, state: 'cancelled', deadline_notified: 1 }]);
      expect(ledger.lastScheduled('s')).toBeUndefined();
      ledger.setLastScheduled('s', at('01:00:00'));
      ledger.setLastScheduled('s', at('02:00:00'));
      expect(ledger.lastScheduled('s')).toBe(at('02:00:00'));
    });
  });

  it('the catalog keeps the last two syncs so changes can be reported, and a sync clears gone-model blocks', () => {
    const model = (id: string, price: number) => ({ id, prompt_price: price, completion_price: price, context: 1000, expiration: null, raw: { id } });
    ledger.addBlock({ provider: 'p', model: 'a', scope: 'model', kind: 'model_gone', reason: 'gone', until_ms: null });
    ledger.saveCatalog('p', [model('a', 0), model('b', 0)], at('01:00:00'));
    ledger.saveCatalog('p', [model('a', 1)], at('02:00:00'));
    ledger.saveCatalog('p', [model('a', 2.5)], at('03:00:00'));
    expect(ledger.lastSync('p')).toBe(at('03:00:00'));
    expect(ledger.catalogOf('p').map((entry) => [entry.id, entry.prompt_price, entry.raw])).toEqual([['a', 2.5, { id: 'a' }]]);
    expect(ledger.previousCatalog('p').map((entry) => [entry.id, entry.prompt_price])).toEqual([['a', 1]]);
    expect(ledger.db.statement('SELECT COUNT(*) AS n FROM catalog_models').get()).toEqual({ n: 2 });
    expect(ledger.activeBlocks(at('03:00:01'))).toEqual([]);
  });

  it('runs keep inputs, output, plans and prompts in the order written, and the step results a resume reuses', () => {
    const id = ledger.createRun({ skill: 's', skill_file: 'f', skill_hash: 'h', skill_commit: 'c0ffee', inputs: { n: 1 }, now_utc: '2026-11-26T10:00:00Z', today: '2026-11-26', status: 'running' });
    ledger.savePlan(id, 'zeta', { candidates: [], rejected: [] } as never);
    ledger.savePlan(id, 'alpha', { candidates: [], rejected: [{ ref: 'x' }] } as never);
    ledger.savePlan(id, 'zeta', { candidates: [{ ref: 'y' }], rejected: [] } as never);
    expect(ledger.getPlans(id).map((plan) => plan.step_id)).toEqual(['zeta', 'alpha']);
    expect(ledger.getPlans(id)[0].plan).toEqual({ candidates: [{ ref: 'y' }], rejected: [] });
    ledger.savePrompt(id, 'zeta', [{ role: 'user', content: 'z' }]);
    ledger.savePrompt(id, 'alpha', [{ role: 'user', content: 'a' }]);
    expect(ledger.getPrompts(id).map((prompt) => prompt.step_id)).toEqual(['zeta', 'alpha']);
    ledger.saveStepResult(id, 'one', 'hash1', { title: 'x' });
    ledger.setRunStatus(id, 'ok', { output: 'done' });
    const run = ledger.getRun(id);
    expect(run).toMatchObject({ skill: 's', skill_commit: 'c0ffee', inputs: { n: 1 }, output: 'done', status: 'ok', owner_pid: process.pid });
    expect(run?.finished_utc).toBeTruthy();
    expect(ledger.stepResults(id)).toEqual([{ step_id: 'one', content_hash: 'hash1', output: { title: 'x' } }]);
    expect(ledger.findStepResult('hash1')).toEqual({ title: 'x' });
    expect(ledger.listRuns({ limit: 5 }).map((row) => row.id)).toEqual([id]);
    expect(ledger.runStats('s')).toEqual([{ skill_hash: 'h', skill_commit: 'c0ffee', runs: 1, ok: 1 }]);
  });

  it('effects count every send, and the result replaces sending together with the output', () => {
    const id = newRun('running');
    ledger.markSending(id, 'post', 'key-1');
    ledger.markSending(id, 'post', 'key-1');
    expect(ledger.effectOf(id, 'post')).toMatchObject({ state: 'sending', sends: 2, idempotency_key: 'key-1', finished_utc: null });
    ledger.saveEffectResult(id, 'post', 'hash', { status: 201 });
    expect(ledger.effectsOf(id)).toMatchObject([{ step_id: 'post', state: 'sent', sends: 2 }]);
    expect(ledger.stepResults(id)).toEqual([{ step_id: 'post', content_hash: 'hash', output: { status: 201 } }]);
  });

  it('eval results are kept per skill in time order', () => {
    ledger.saveEvalResult({ skill: 's', skill_hash: 'h', case_id: 'c2', candidate: 'p/m', served_model: 'm', status: 'fail', problem: 'no', cost_usd: 0, latency_ms: 12.6, now_ms: at('10:00:01') });
    ledger.saveEvalResult({ skill: 's', skill_hash: 'h', case_id: 'c1', candidate: 'p/m', served_model: null, status: 'pass', cost_usd: 0.5, latency_ms: 3, now_ms: at('10:00:00') });
    expect(ledger.evalResultsOf('s').map((row) => [row.case_id, row.latency_ms, row.cost_usd, row.served_model])).toEqual([['c1', 3, 0.5, null], ['c2', 13, 0, 'm']]);
  });

  it('every bound value is redacted: a known secret never reaches the ledger', () => {
    const secret = 'contract-secret-value-0123456789';
    rememberSecrets([secret]);
    const id = newRun('running');
    ledger.setRunStatus(id, 'failed', { error: `upstream said ${secret}` });
    expect(ledger.getRun(id)?.error).toBe('upstream said [redacted]');
  });

  it("the ledger's clock is a number of whole milliseconds close to this machine's (same host)", () => {
    const now = ledger.now();
    expect(Number.isInteger(now)).toBe(true);
    expect(Math.abs(now - Date.now())).toBeLessThan(5_000);
  });
});
