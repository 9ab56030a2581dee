// Property test: over many random configs, usage and fault sequences (seeded PRNG), plan() never offers
// a metered model the rule did not name or that could exceed the remaining budget, never a training model
// for a private step, never a blocked or over-quota one — and every expanded ref is accounted for.
import { describe, expect, it } from 'vitest';
import { plan, blockFor, costAlarm, expandRefs } from '../src/router/index.js';
import { ProviderError } from '../src/errors.js';
import type { Billing, Config, ErrorKind, ErrorScope, HealthBlock, ProviderFamily, ResolvedModel, RouteRule, StepTraits, UsageSnapshot } from '../src/types.js';
import { config, keysFor, model, provider, usage, NOON_MS } from './router-helpers.js';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const maybe = <T>(random: Random, value: T): T | undefined => (random() < 0.5 ? value : undefined);

function randomConfig(random: Random): Config {
  const providers = ['alpha', 'beta', 'gamma'].map((name) => {
    const models: ResolvedModel[] = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, index) =>
      model(
        `${name}-m${index}`,
        {
          trains_on_data: pick(random, [true, false, undefined]),
          context: maybe(random, pick(random, [800, 4000, 100_000])),
          max_output: maybe(random, pick(random, [100, 1000, 8000])),
          price: maybe(random, { input: pick(random, [0.1, 1, 5]), output: pick(random, [0.5, 3, 15]) }),
          quota_weight: maybe(random, pick(random, [1, 2, 3])),
        },
        pick(random, ['free', 'subscription', 'metered'] as Billing[]),
      ),
    );
    return provider(name, models, {
      family: pick(random, ['openrouter', 'zai', 'generic'] as ProviderFamily[]),
      limits: {
        requests_per_minute: maybe(random, pick(random, [2, 20])),
        requests_per_day: maybe(random, pick(random, [3, 50])),
        usd_per_day: maybe(random, pick(random, [0, 0.01, 1])),
        windows: maybe(random, [{ hours: 5, requests: pick(random, [4, 100]) }, { hours: 24, usd: pick(random, [0.01, 12]) }]),
      },
    });
  });
  const refs = providers.flatMap((entry) => [`${entry.name}/*`, ...entry.models.map((known) => `${entry.name}/${known.id}`)]);
  const routes: RouteRule[] = [
    { when: { effort: 'high' }, use: Array.from({ length: 3 }, () => pick(random, refs)) },
    { when: { tag: 'background' }, use: Array.from({ length: 2 }, () => pick(random, refs)) },
    { use: Array.from({ length: 3 }, () => pick(random, refs)) },
  ];
  return config(providers, routes, pick(random, [0, 0, 0.005, 0.05, 1]));
}

function randomTraits(random: Random): StepTraits {
  return {
    skill: 'skill',
    step: 'step',
    effort: pick(random, ['low', 'medium', 'high'] as const),
    privacy: pick(random, ['private', 'public'] as const),
    tags: random() < 0.3 ? ['background'] : [],
    prompt_chars: pick(random, [40, 4000, 40_000]),
    max_output_tokens: maybe(random, pick(random, [50, 500, 5000])),
  };
}

/** The rule that must match, computed without the router. */
function expectedRule(cfg: Config, traits: StepTraits): RouteRule {
  if (traits.effort === 'high') return cfg.routes[0];
  if (traits.tags.includes('background')) return cfg.routes[1];
  return cfg.routes[2];
}

function worstCase(traits: StepTraits, known: ResolvedModel): number | null {
  const output = traits.max_output_tokens ?? known.max_output;
  if (!known.price || output === undefined) return null;
  return ((traits.prompt_chars / 4) * known.price.input + output * known.price.output) / 1e6;
}

const KINDS: ErrorKind[] = ['auth', 'payment_required', 'rate_limited', 'quota_exhausted', 'model_gone', 'overloaded', 'timeout'];
const SCOPES: ErrorScope[] = ['none', 'model', 'provider', 'free_pool'];

describe('plan() invariants over random configs, usage and faults', () => {
  it('holds for 400 seeded scenarios of 6 steps each', () => {
    let candidatesSeen = 0;
    let rejectionsSeen = 0;
    let meteredSeen = 0;
    let privateSeen = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const random = mulberry32(seed);
      const cfg = randomConfig(random);
      let now = NOON_MS + Math.floor(random() * 40_000_000);
      const snapshot: UsageSnapshot = { now_ms: now, providers: {}, metered_usd_today: random() < 0.3 ? pick(random, [0.001, 0.04, 0.9]) : 0 };
      for (const name of Object.keys(cfg.providers)) snapshot.providers[name] = usage(name, { usd_today: snapshot.metered_usd_today / 3, windows: [{ hours: 5, requests: 0, usd: 0 }, { hours: 24, requests: 0, usd: 0 }] });
      const blocks: HealthBlock[] = [];
      for (let step = 0; step < 6; step++) {
        const traits = randomTraits(random);
        const result = plan({ config: cfg, traits, snapshot, blocks, env: keysFor(cfg) });
        const rule = expectedRule(cfg, traits);
        expect(result.rule).toBe(cfg.routes.indexOf(rule));
        const expanded = expandRefs(rule.use, cfg).map((entry) => entry.ref);
        expect([...result.candidates.map((entry) => entry.ref), ...result.rejected.map((entry) => entry.ref)].sort()).toEqual([...expanded].sort());
        for (const candidate of result.candidates) {
          const entry = cfg.providers[candidate.provider];
          const known = entry.models.find((item) => item.id === candidate.model) as ResolvedModel;
          const counted = snapshot.providers[entry.name];
          if (known.billing === 'metered') {
            meteredSeen++;
            expect(rule.use.some((ref) => ref === `${entry.name}/*` || ref === `${entry.name}/${known.id}`)).toBe(true);
            const worst = worstCase(traits, known);
            expect(worst).not.toBeNull();
            expect(worst as number).toBeLessThanOrEqual(cfg.budget.usd_per_day - snapshot.metered_usd_today + 1e-9);
            if (entry.limits.usd_per_day !== undefined) expect(worst as number).toBeLessThanOrEqual(entry.limits.usd_per_day - counted.usd_today + 1e-9);
            expect(candidate.worst_usd).toBeCloseTo(worst as number, 12);
          } else {
            expect(candidate.worst_usd).toBe(0);
          }
          if (traits.privacy === 'private') {
            privateSeen++;
            expect(known.trains_on_data === false || (known.trains_on_data === undefined && entry.family === 'openrouter')).toBe(true);
          }
          const weight = (known.quota_weight as number | undefined) ?? 1; // the generator gives plain numbers
          if (entry.limits.requests_per_minute !== undefined) expect(counted.minute + weight).toBeLessThanOrEqual(entry.limits.requests_per_minute);
          if (entry.limits.requests_per_day !== undefined) expect(counted.day + weight).toBeLessThanOrEqual(entry.limits.requests_per_day);
          const active = blocks.filter((block) => block.provider === entry.name && (block.until_ms === null || block.until_ms > now));
          const covering = active.filter((block) => block.kind === 'cost_alarm' || block.scope === 'provider' || (block.scope === 'model' && block.model === known.id) || (block.scope === 'free_pool' && known.billing === 'free'));
          expect(covering).toEqual([]);
        }
        candidatesSeen += result.candidates.length;
        rejectionsSeen += result.rejected.length;
        const chosen = result.candidates[0];
        if (!chosen) continue;
        // "send" the first candidate: count it, bill it, then apply a random fault or a reported cost
        const entry = cfg.providers[chosen.provider];
        const known = entry.models.find((item) => item.id === chosen.model) as ResolvedModel;
        const counted = snapshot.providers[entry.name];
        const weight = (known.quota_weight as number | undefined) ?? 1; // the generator gives plain numbers
        counted.minute += weight;
        counted.day += weight;
        counted.windows[0].requests += weight;
        counted.usd_today += chosen.worst_usd ?? 0;
        snapshot.metered_usd_today += chosen.worst_usd ?? 0;
        if (random() < 0.5) {
          const error = new ProviderError({ kind: pick(random, KINDS), message: 'fault', provider: entry.name, scope: pick(random, SCOPES), retry_after_s: maybe(random, pick(random, [1, 30, 600])) });
          const block = blockFor(error, { provider: entry.name, model: known.id, billing: known.billing }, now, 'run');
          if (block) blocks.push(block);
        } else if (random() < 0.1) {
          const alarm = costAlarm(entry, known, pick(random, [0, 0.002]));
          if (alarm) blocks.push(alarm);
        }
        now += pick(random, [1000, 30_000, 700_000]);
        snapshot.now_ms = now;
      }
    }
    // the scenarios must exercise both outcomes, or the property proves nothing
    expect(candidatesSeen).toBeGreaterThan(200);
    expect(rejectionsSeen).toBeGreaterThan(200);
    expect(meteredSeen).toBeGreaterThan(20);
    expect(privateSeen).toBeGreaterThan(50);
  });
});
