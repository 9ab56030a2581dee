// Ranking by evidence: recorded attempts in a real ledger file reorder equally-priced candidates; `order: fixed` opts out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plan, formatPlan } from '../src/router/index.js';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import type { RouteRule } from '../src/types.js';
import { config, keysFor, model, provider, snapshot, traits, NOON_MS } from './router-helpers.js';

const free = provider('or', [model('a:free'), model('b:free'), model('c:free')], { family: 'openrouter' });
const paid = provider('paid', [model('gem', { price: { input: 1, output: 2 } }, 'metered')], { billing: 'metered' });

let dir: string;
let ledger: Ledger;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-rank-'));
  ledger = openLedger(dir);
});
afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function record(modelId: string, status: 'ok' | 'error', at: number, duration = 800): void {
  const reserved = ledger.reserve({ run_id: null, step_id: 's', provider: 'or', model: modelId, billing: 'free', weight: 1, reserved_usd: 0, now_ms: at }, [], () => null);
  if (!('attempt_id' in reserved)) throw new Error('not reserved');
  ledger.finishAttempt(reserved.attempt_id, { status, error_kind: status === 'error' ? 'overloaded' : undefined, duration_ms: duration, now_ms: at + duration });
}

function planWith(routes: RouteRule[]) {
  const cfg = config([free, paid], routes, 1);
  return plan({ config: cfg, traits: traits({ max_output_tokens: 100 }), snapshot: snapshot(), blocks: [], env: keysFor(cfg), health: ledger.healthEvidence(NOON_MS) });
}

describe('ranked candidates', () => {
  it('after failures the model that has been working goes first, and the plan prints its evidence', () => {
    for (let index = 0; index < 5; index++) record('a:free', index === 4 ? 'error' : 'ok', NOON_MS - 50 * 60_000 + index * 60_000);
    record('a:free', 'error', NOON_MS - 60_000);
    for (let index = 0; index < 44; index++) record('b:free', 'ok', NOON_MS - 55 * 60_000 + index * 60_000);
    const result = planWith([{ use: ['or/*', 'paid/gem'] }]);
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['or/b:free', 'or/c:free', 'or/a:free', 'paid/gem']);
    expect(formatPlan(result).join('\n')).toContain('ranked by recent health: or/b:free 44/44 ok; or/c:free no requests; or/a:free 4/6 ok; paid/gem no requests in the last hour');
  });

  it('never moves a metered candidate ahead of a free one, and ties keep config order', () => {
    for (let index = 0; index < 3; index++) record('a:free', 'error', NOON_MS - index * 60_000);
    const result = planWith([{ use: ['paid/gem', 'or/a:free', 'or/b:free'] }]);
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['paid/gem', 'or/b:free', 'or/a:free']);
    expect(planWith([{ use: ['or/*'] }]).candidates.map((candidate) => candidate.ref)).toEqual(['or/b:free', 'or/c:free', 'or/a:free']);
  });

  it('order: fixed keeps the route order whatever the evidence', () => {
    for (let index = 0; index < 3; index++) record('a:free', 'error', NOON_MS - index * 60_000);
    const result = planWith([{ use: ['or/*'], order: 'fixed' }]);
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['or/a:free', 'or/b:free', 'or/c:free']);
    expect(formatPlan(result)).toContain('order: fixed (as the route lists them)');
  });

  it('old evidence fades: an hour-old failure no longer counts, and an account-wide quota answer never does', () => {
    record('a:free', 'error', NOON_MS - 61 * 60_000);
    const reserved = ledger.reserve({ run_id: null, step_id: 's', provider: 'or', model: 'a:free', billing: 'free', weight: 1, reserved_usd: 0, now_ms: NOON_MS - 1000 }, [], () => null);
    if (!('attempt_id' in reserved)) throw new Error('not reserved');
    ledger.finishAttempt(reserved.attempt_id, { status: 'error', error_kind: 'quota_exhausted', duration_ms: 10, now_ms: NOON_MS - 990 });
    expect(planWith([{ use: ['or/*'] }]).candidates.map((candidate) => candidate.ref)).toEqual(['or/a:free', 'or/b:free', 'or/c:free']);
  });
});
