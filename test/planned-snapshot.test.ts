// A reservation judges by the snapshot its request was planned on only while that snapshot is still exact: same
// instant, same windows, and nothing written since by this connection or another (serve's first try, attempts.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type ProviderWindows, type SqliteDb } from '../src/ledger/index.js';
import type { UsageSnapshot } from '../src/types.js';

const NOW = Date.parse('2026-12-03T10:00:00.250Z');
const providers: ProviderWindows[] = [{ name: 'p', windows: [5], margin_ms: 0 }];
const input = (now_ms: number) => ({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free' as const, weight: 1, reserved_usd: 0, client: null, now_ms });

let dir: string;
let mine: Ledger<SqliteDb>;
let other: Ledger<SqliteDb>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-planned-'));
  mine = openLedger(dir);
  // another connection to the same file: what another process's writes look like to this one
  other = openLedger(dir);
});
afterEach(() => {
  mine.close();
  other.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Reserve with the planned snapshot; returns the snapshot the guard was given. */
function judgedBy(planned: UsageSnapshot, now_ms = NOW): UsageSnapshot {
  let seen: UsageSnapshot | undefined;
  const result = mine.reserve(input(now_ms), providers, (snapshot) => {
    seen = snapshot;
    return null;
  }, [], planned);
  expect('attempt_id' in result).toBe(true);
  return seen as UsageSnapshot;
}

describe('a planned snapshot', () => {
  it('is judged by again when nothing was written since, at the same instant and windows', () => {
    other.reserve(input(NOW - 1_000), providers, () => null);
    const planned = mine.usage(providers, NOW, { oldestWhenRead: true, reusable: true });
    expect(judgedBy(planned)).toBe(planned);
    expect(planned.providers.p.minute).toBe(1);
  });

  it('is read again after another connection wrote an attempt: the guard sees it', () => {
    const planned = mine.usage(providers, NOW, { reusable: true });
    other.reserve(input(NOW - 10), providers, () => null);
    const seen = judgedBy(planned);
    expect(seen).not.toBe(planned);
    expect(planned.providers.p.minute).toBe(0);
    expect(seen.providers.p.minute).toBe(1);
  });

  it('is read again after this connection wrote, at another instant, or for other windows', () => {
    const first = mine.usage(providers, NOW, { reusable: true });
    const id = (mine.reserve(input(NOW - 5), providers, () => null) as { attempt_id: string }).attempt_id;
    expect(judgedBy(first).providers.p.minute).toBe(1);

    const second = mine.usage(providers, NOW, { reusable: true });
    mine.finishAttempt(id, { status: 'ok', duration_ms: 5, now_ms: NOW });
    expect(judgedBy(second)).not.toBe(second);

    const third = mine.usage(providers, NOW + 1, { reusable: true });
    expect(judgedBy(third, NOW + 2)).not.toBe(third);

    const fourth = mine.usage([{ name: 'p', windows: [24], margin_ms: 0 }], NOW + 3, { reusable: true });
    expect(judgedBy(fourth, NOW + 3)).not.toBe(fourth);
  });

  it('taken on another ledger is never judged by, even when its mark is the same', () => {
    // a second fresh ledger file: the same migrations leave its connection with the same change count and data version
    const elsewhere = openLedger(path.join(dir, 'elsewhere'));
    try {
      elsewhere.reserve(input(NOW - 10), providers, () => null);
      mine.reserve(input(NOW - 20_000), providers, () => null);
      const planned = elsewhere.usage(providers, NOW, { reusable: true });
      const seen = judgedBy(planned);
      expect(seen).not.toBe(planned);
      expect(seen.providers.p.windows[0].oldest_ms).toBe(NOW - 20_000);
    } finally {
      elsewhere.close();
    }
  });

  it('not taken to be reused is read again', () => {
    const planned = mine.usage(providers, NOW, { oldestWhenRead: true });
    expect(judgedBy(planned)).not.toBe(planned);
  });

  it("that left out a run's own holds is never judged by again", () => {
    const planned = mine.usage(providers, NOW, { exceptRun: 'run-1', reusable: true });
    expect(judgedBy(planned)).not.toBe(planned);
  });
});
