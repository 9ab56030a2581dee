// The quality guard and evidence ordering as pure routing: data in, plan out.
import { describe, expect, it } from 'vitest';
import { plan } from '../src/router/index.js';
import type { QualityEvidence } from '../src/types.js';
import { config, keysFor, model, provider, snapshot, traits } from './router-helpers.js';

const cfg = config([provider('free', [model('a'), model('b'), model('c')])], [{ use: ['free/a', 'free/b', 'free/c'] }]);
const evidence: Record<string, QualityEvidence> = {
  'free/a': { passed: 1, failed: 9, lower_bound: 0.018 },
  'free/b': { passed: 9, failed: 1, lower_bound: 0.596 },
};
const planWith = (extra: object) => plan({ config: cfg, traits: traits(), snapshot: snapshot(), blocks: [], env: keysFor(cfg), ...extra });

describe('quality', () => {
  it('no rule: evidence changes nothing', () => {
    const result = planWith({ evidence });
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['free/a', 'free/b', 'free/c']);
    expect(result.candidates[0].evidence).toBeUndefined();
  });

  it('min_pass_rate refuses a lower bound below the bar and says so; untested: allow keeps the untested one', () => {
    const result = planWith({ evidence, quality: { min_pass_rate: 0.5, untested: 'allow' } });
    expect(result.candidates.map((candidate) => [candidate.ref, candidate.evidence])).toEqual([
      ['free/b', '9/10 pass, lower bound 0.60'],
      ['free/c', 'untested on this skill'],
    ]);
    expect(result.rejected).toEqual([expect.objectContaining({ ref: 'free/a', guard: 'quality', reason: '1/10 pass, lower bound 0.02 on daily-news, below min_pass_rate 0.5', until_ms: null })]);
  });

  it('untested: avoid puts tested candidates first; deny refuses the untested', () => {
    expect(planWith({ evidence, quality: { untested: 'avoid' } }).candidates.map((candidate) => candidate.ref)).toEqual(['free/a', 'free/b', 'free/c']);
    const only = { 'free/c': { passed: 3, failed: 0, lower_bound: 0.44 } };
    expect(planWith({ evidence: only, quality: { untested: 'avoid' } }).candidates.map((candidate) => candidate.ref)).toEqual(['free/c', 'free/a', 'free/b']);
    const denied = planWith({ evidence: only, quality: { untested: 'deny' } });
    expect(denied.candidates.map((candidate) => candidate.ref)).toEqual(['free/c']);
    expect(denied.rejected.map((rejection) => [rejection.ref, rejection.guard])).toEqual([['free/a', 'quality'], ['free/b', 'quality']]);
  });

  it('--use is never refused by evidence (an eval must be able to test an untested model)', () => {
    const result = planWith({ evidence: {}, quality: { min_pass_rate: 0.9, untested: 'deny' }, use: 'free/a' });
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['free/a']);
  });

  it('a model only the catalog knows is on trial under avoid and deny: used once it passed; under allow at once', () => {
    const trial = config([provider('free', [model('listed'), { ...model('found'), from_catalog: true }])], [{ use: ['free/listed', 'free/found'] }]);
    const planTrial = (extra: object) => plan({ config: trial, traits: traits(), snapshot: snapshot(), blocks: [], env: keysFor(trial), ...extra });
    const refs = (result: ReturnType<typeof planTrial>) => result.candidates.map((candidate) => candidate.ref);
    const untested = planTrial({ evidence: {}, quality: { untested: 'avoid' } });
    expect(refs(untested)).toEqual(['free/listed']);
    expect(untested.rejected).toEqual([expect.objectContaining({ ref: 'free/found', guard: 'quality', reason: 'new model on trial: untested on daily-news (quality.untested: avoid)' })]);
    const failedOnly = planTrial({ evidence: { 'free/found': { passed: 0, failed: 2, lower_bound: 0 } }, quality: { untested: 'avoid' } });
    expect(failedOnly.rejected[0].reason).toBe('new model on trial: 0/2 pass, lower bound 0.00 on daily-news, no pass yet');
    // passed: used, and ahead of the untested listed one
    expect(refs(planTrial({ evidence: { 'free/found': { passed: 3, failed: 0, lower_bound: 0.44 } }, quality: { untested: 'avoid' } }))).toEqual(['free/found', 'free/listed']);
    // passed but below the bar: still out
    expect(refs(planTrial({ evidence: { 'free/found': { passed: 3, failed: 0, lower_bound: 0.44 } }, quality: { min_pass_rate: 0.6, untested: 'avoid' } }))).toEqual(['free/listed']);
    expect(refs(planTrial({ evidence: {}, quality: { untested: 'allow' } }))).toEqual(['free/listed', 'free/found']);
    expect(refs(planTrial({ evidence: {} }))).toEqual(['free/listed', 'free/found']);
  });
});
