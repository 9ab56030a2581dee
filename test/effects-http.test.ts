// Side effects happen once: http steps carry a stable Idempotency-Key, retries reuse it, the ledger records
// `sending` before each request, and a resume finding `sending` resends with the key or waits for the user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { openLedger, type Ledger, type SqliteDb } from '../src/ledger/index.js';
import { runSkill } from '../src/runner/run-skill.js';
import { silentProgress } from '../src/runner/progress.js';
import { BadInputError } from '../src/errors.js';
import { localConfig } from './helpers/workspace.js';
import { startEffectReceiver, type EffectReceiver } from './helpers/effect-receiver.js';

let receiver: EffectReceiver;
let dir: string;
let ledger: Ledger<SqliteDb>;

beforeAll(async () => {
  receiver = await startEffectReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-effects-'));
  fs.mkdirSync(path.join(dir, 'skills'));
  fs.writeFileSync(path.join(dir, 'portai.yaml'), localConfig('http://127.0.0.1:9'));
  ledger = openLedger(path.join(dir, 'state'));
});

afterEach(() => {
  receiver.copies.length = 0;
  receiver.script();
});

afterAll(async () => {
  ledger.close();
  await receiver.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function skillWith(name: string, http: string) {
  const file = path.join(dir, 'skills', `${name}.yaml`);
  fs.writeFileSync(file, `name: ${name}\noutcome: A note is posted.\ninputs:\n  n: { type: integer }\nsteps:\n  - id: post\n    http:\n${http.replace(/^/gm, '      ')}\n`);
  return loadSkill(file);
}

const config = () => loadConfig({ env: { HOME: dir }, cwd: dir });
const run = (skill: ReturnType<typeof skillWith>, extra: Partial<Parameters<typeof runSkill>[0]> = {}) =>
  runSkill({ config: config(), ledger, skill, given: { n: '1' }, env: {}, progress: silentProgress, sleep: async () => {}, ...extra });

describe('Idempotency-Key on http steps', () => {
  it('a POST carries a key stable for (run, step), different in a re-run with the same inputs, recorded in the ledger', async () => {
    const skill = skillWith('post-note', `method: POST\nurl: ${receiver.origin}/hook\njson: { n: "{{n}}" }`);
    const first = await run(skill);
    const second = await run(skill);
    expect([first.status, second.status]).toEqual(['ok', 'ok']);
    const keys = receiver.copies.map((copy) => copy.key);
    expect(keys).toEqual([`portai-${first.run_id}-post`, `portai-${second.run_id}-post`]);
    expect(ledger.effectsOf(first.run_id as string)).toMatchObject([{ step_id: 'post', state: 'sent', idempotency_key: keys[0], sends: 1 }]);
  });

  it('retries after a 5xx reuse the same key; the ledger counts every send', async () => {
    const skill = skillWith('post-retry', `method: POST\nurl: ${receiver.origin}/hook\njson: { n: 1 }`);
    receiver.script(503, 502);
    const result = await run(skill);
    expect(result.status).toBe('ok');
    expect(receiver.copies).toHaveLength(3);
    expect(new Set(receiver.copies.map((copy) => copy.key))).toEqual(new Set([`portai-${result.run_id}-post`]));
    expect(ledger.effectOf(result.run_id as string, 'post')).toMatchObject({ state: 'sent', sends: 3 });
  });

  it('a connection dropped after the receiver read the request is retried with the same key', async () => {
    const skill = skillWith('post-reset', `method: POST\nurl: ${receiver.origin}/hook\njson: { n: 1 }`);
    receiver.script(0);
    const result = await run(skill);
    expect(result.status).toBe('ok');
    expect(receiver.copies.map((copy) => copy.key)).toEqual([`portai-${result.run_id}-post`, `portai-${result.run_id}-post`]);
    expect(receiver.effects()).toHaveLength(1);
  });

  it('without a key, a dropped connection is not retried and leaves the step `sending`: the resume waits for the user', async () => {
    const skill = skillWith('post-reset-bare', `method: POST\nurl: ${receiver.origin}/hook\nidempotency_key: false\njson: { n: 1 }`);
    receiver.script(0);
    await expect(run(skill)).rejects.toThrow(/cannot reach/);
    const [failed] = ledger.listRuns({ skill: 'post-reset-bare' });
    expect(ledger.effectOf(failed.id, 'post')).toMatchObject({ state: 'sending', idempotency_key: null, sends: 1 });
    const resumed = await run(skill, { runId: failed.id });
    expect(resumed).toMatchObject({ status: 'blocked', awaiting_user: true });
    expect(receiver.copies).toHaveLength(1);
  });

  it('idempotency_key: false sends no key and, by default, no retry; retry: sets the count', async () => {
    receiver.script(503, 503, 503);
    await expect(run(skillWith('post-bare', `method: POST\nurl: ${receiver.origin}/hook\nidempotency_key: false\njson: { n: 1 }`))).rejects.toThrow(/returned HTTP 503/);
    expect(receiver.copies.map((copy) => copy.key)).toEqual([null]);
    // the receiver answered: the step failed for sure, it is not left `sending`
    const [bare] = ledger.listRuns({ skill: 'post-bare' });
    expect(ledger.effectOf(bare.id, 'post')).toMatchObject({ state: 'failed', sends: 1 });
    receiver.copies.length = 0;
    receiver.script(503);
    const retried = await run(skillWith('post-bare-retry', `method: POST\nurl: ${receiver.origin}/hook\nidempotency_key: false\nretry: { times: 1, delay_ms: 0 }\njson: { n: 1 }`));
    expect(retried.status).toBe('ok');
    expect(receiver.copies).toHaveLength(2);
  });

  it('a template key is rendered; GET sends none unless asked; a bad value is bad input', async () => {
    await run(skillWith('post-template', `method: PATCH\nurl: ${receiver.origin}/hook\nidempotency_key: "note-{{n}}"\njson: { n: 1 }`));
    await run(skillWith('get-plain', `url: ${receiver.origin}/hook`));
    const asked = await run(skillWith('get-keyed', `url: ${receiver.origin}/hook\nidempotency_key: true`));
    expect(receiver.copies.map((copy) => copy.key)).toEqual(['note-1', null, `portai-${asked.run_id}-post`]);
    const bad = (() => {
      try {
        skillWith('post-bad-retry', `method: POST\nurl: ${receiver.origin}/hook\nretry: 99`);
      } catch (error) {
        return error as BadInputError;
      }
    })();
    expect(bad).toBeInstanceOf(BadInputError);
    expect(bad?.userLines().join(' ')).toMatch(/post-bad-retry\.yaml:\d+.*retry.*must be <= 10/);
  });

  it('a key template may not use env values: the key is stored in the ledger', async () => {
    const file = path.join(dir, 'skills', 'post-env-key.yaml');
    fs.writeFileSync(file, `name: post-env-key\noutcome: A note is posted.\nenv: [HOOK_TOKEN]\nsteps:\n  - id: post\n    http: { method: POST, url: "${receiver.origin}/hook", idempotency_key: "{{env.HOOK_TOKEN}}" }\n`);
    await expect(run(loadSkill(file), { given: {}, env: { HOOK_TOKEN: 'secret-value' } })).rejects.toThrow(/idempotency_key must not use env values/);
    expect(receiver.copies).toHaveLength(0);
  });

  it('the skill schema accepts idempotency_key and retry and rejects a number as a key', () => {
    expect(() => skillWith('schema-ok', `method: POST\nurl: https://example.org\nidempotency_key: "{{n}}"\nretry: { times: 3, delay_ms: 100 }`)).not.toThrow();
    expect(() => skillWith('schema-bad', `method: POST\nurl: https://example.org\nidempotency_key: 5`)).toThrow(BadInputError);
  });
});

describe('resuming a step the ledger says was `sending`', () => {
  it('with a key: sends again with the same key', async () => {
    const skill = skillWith('resume-keyed', `method: POST\nurl: ${receiver.origin}/hook\njson: { n: 1 }`);
    const first = await run(skill);
    const runId = first.run_id as string;
    // the state a worker killed in flight leaves behind: `sending`, no saved output
    ledger.db.sqlite.prepare('DELETE FROM step_results WHERE run_id = ?').run(runId);
    ledger.markSending(runId, 'post', `portai-${runId}-post`);
    ledger.setRunStatus(runId, 'failed');
    const resumed = await run(skill, { runId });
    expect(resumed.status).toBe('ok');
    expect(receiver.copies.map((copy) => copy.key)).toEqual([`portai-${runId}-post`, `portai-${runId}-post`]);
    expect(receiver.effects()).toHaveLength(1);
  });

  it('without a key: blocked with the message; --resend sends, --skip-step skips', async () => {
    const skill = skillWith('resume-bare', `method: POST\nurl: ${receiver.origin}/hook\nidempotency_key: false\njson: { n: 1 }`);
    const ids: string[] = [];
    for (let index = 0; index < 2; index++) {
      const first = await run(skill);
      const runId = first.run_id as string;
      ledger.db.sqlite.prepare('DELETE FROM step_results WHERE run_id = ?').run(runId);
      ledger.markSending(runId, 'post', null);
      ids.push(runId);
    }
    receiver.copies.length = 0;
    const blocked = await run(skill, { runId: ids[0] });
    expect(blocked.status).toBe('blocked');
    expect(blocked.awaiting_user).toBe(true);
    expect(blocked.problem?.[0]).toMatch(new RegExp(`^step post may have been sent before the worker died at \\d{4}-.*Z; check the receiver, then \`portai runs resume ${ids[0]} --resend\` or \`--skip-step post\`$`));
    expect(receiver.copies).toHaveLength(0);
    expect((await run(skill, { runId: ids[0], resend: true })).status).toBe('ok');
    expect(receiver.copies).toHaveLength(1);
    const skipped = await run(skill, { runId: ids[1], skipStep: 'post' });
    expect(skipped).toMatchObject({ status: 'ok', output: null });
    expect(receiver.copies).toHaveLength(1);
    expect(ledger.effectOf(ids[1], 'post')).toMatchObject({ state: 'skipped' });
  });
});
