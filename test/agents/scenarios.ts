// The scenarios every agent goes through against `portai serve`: a plain answer, a tool loop, a stream cut
// mid-answer, an unknown model and a budget-refused alias on one rig (one serve process, one ledger), one after
// the other; and a per-minute window reached on a second rig of its own, started first, so that its minute of
// waiting passes while the other scenarios run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offersTool, toolLoop, toolResultIn, type AgentDriver } from './clients.js';
import { startRig, type AgentResult, type Exchange, type Rig } from './rig.js';

export interface AgentExpectations {
  /** the alias for the plain answer (Claude Code: `think`, the Anthropic pass-through route) */
  plainModel: string;
  /** after a cut stream: does the agent retry on its own (true) or end with an error (false)? */
  retriesCutStream: boolean;
}

const AGENT_TIMEOUT_MS = 100_000;
/**
 * A refused request ends Claude Code and Codex in seconds. opencode retries any error whose text matches its
 * "retryable" patterns (packages/opencode/src/session/retry.ts: /429|500|502|503|504|524/ among them), and portai's
 * spend refusal names a worst-case price such as "$0.5029": it retries for ever, each retry refused again before
 * anything is sent. So an agent still running this long after portai's first refusal is stopped.
 */
const AFTER_REFUSAL_MS = 8_000;

/** Stop the agent once portai has answered `status` to one of its requests and AFTER_REFUSAL_MS have passed. */
function stopAfterRefusal(rig: Rig, status: number, since: number): () => boolean {
  return () => {
    const refused = rig.exchanges.find((exchange) => exchange.status === status && exchange.at_ms >= since);
    return refused !== undefined && Date.now() - refused.at_ms > AFTER_REFUSAL_MS;
  };
}

/** Requests to the `busy` alias, straight to portai, until it answers 429: the window is full from then on. */
async function fillBusyWindow(rig: Rig): Promise<void> {
  for (let index = 0; index < 3; index += 1) {
    const response = await fetch(`${rig.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'busy', messages: [{ role: 'user', content: `fill ${index}` }] }),
    });
    await response.arrayBuffer();
    if (response.status === 429) return;
    expect(response.status).toBe(200);
  }
  throw new Error('portai never answered 429 for the busy alias (limit: 2 requests a minute)');
}

const modelOf = (exchange: Exchange) => (exchange.body as { model?: unknown } | undefined)?.model;

function explain(result: AgentResult, rig: Rig): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}\n--- portai serve\n${rig.serveLog().slice(-3000)}`;
}

export function agentSuite(driver: AgentDriver, expectations: AgentExpectations): void {
  describe(`${driver.name} behind portai serve`, () => {
    let rig: Rig;
    let busyRig: Rig;
    let busyRun: Promise<AgentResult>;
    let busySince = 0;

    beforeAll(async () => {
      [rig, busyRig] = await Promise.all([startRig(), startRig()]);
      // the `busy` provider allows 2 requests a minute: take both, through portai, as another client would; then
      // the agent asks for `busy` and runs (waiting) in the background until test (d) collects it
      await fillBusyWindow(busyRig);
      busyRig.fake.reply(() => ({ text: 'Answered once the window reopened.' }));
      busySince = Date.now();
      busyRun = driver.run(busyRig, { prompt: 'Say hello.', model: 'busy', timeout_ms: AGENT_TIMEOUT_MS });
      busyRun.catch(() => {}); // awaited (and its failure reported) in test (d)
    }, 60_000);
    afterAll(async () => {
      await busyRun?.catch(() => {});
      await Promise.all([rig?.close(), busyRig?.close()]);
    });

    const mainRequests = () => rig.modelRequests().filter((request) => offersTool(request, driver.shellCall.name));

    it('(a) a plain answer', async () => {
      rig.fake.reset();
      rig.fake.reply(() => ({ text: 'Hello from the fake upstream.' }));
      const result = await driver.run(rig, { prompt: 'Say hello.', model: expectations.plainModel, timeout_ms: AGENT_TIMEOUT_MS });
      expect(result.code, explain(result, rig)).toBe(0);
      expect(driver.answer(result)).toContain('Hello from the fake upstream.');
      expect(rig.modelRequests().length).toBeGreaterThan(0);
    }, 120_000);

    it('(b) a tool loop: the agent runs `echo hi` and the result reaches the upstream', async () => {
      rig.fake.reset();
      rig.fake.reply(toolLoop(driver));
      const result = await driver.run(rig, { prompt: 'Run `echo hi` in the shell and tell me what it printed.', model: 'free', timeout_ms: AGENT_TIMEOUT_MS });
      expect(result.code, explain(result, rig)).toBe(0);
      const results = rig.modelRequests().map((request) => toolResultIn(request)).filter((text): text is string => text !== undefined);
      // the real shell's output, sent back by the agent, translated by portai, seen by the upstream
      expect(results.length, explain(result, rig)).toBeGreaterThan(0);
      expect(results[0]).toMatch(/^hi$/m);
      expect(driver.answer(result)).toContain('The command printed:');
      expect(driver.answer(result)).toMatch(/\bhi\b/);
    }, 120_000);

    it('(c) a stream cut mid-answer: portai records the failed attempt and the agent ends cleanly', async () => {
      rig.fake.reset();
      let cut = 0;
      rig.fake.reply((request) => {
        if (!offersTool(request, driver.shellCall.name)) return { text: 'Side answer' };
        cut += 1;
        return cut === 1 ? { text: 'This answer will be cut in the middle of a sentence, sorry.', truncate: true } : { text: 'The full answer after the cut.' };
      });
      const before = rig.attempts().length;
      const result = await driver.run(rig, { prompt: 'Tell me something long.', model: 'free', timeout_ms: AGENT_TIMEOUT_MS });
      const attempts = rig.attempts().slice(before);
      expect(attempts.some((attempt) => attempt.status !== 'ok'), JSON.stringify(attempts)).toBe(true);
      if (expectations.retriesCutStream) {
        expect(result.code, explain(result, rig)).toBe(0);
        expect(driver.answer(result)).toContain('The full answer after the cut.');
        expect(mainRequests().length).toBeGreaterThanOrEqual(2);
      } else {
        // the agent stops with portai's reason and sends nothing more for that turn
        expect(result.code, explain(result, rig)).not.toBe(0);
        expect(`${result.stdout}\n${result.stderr}`).toContain('failed mid-answer');
        expect(mainRequests()).toHaveLength(1);
      }
    }, 120_000);

    it('(e) an unknown model is refused and nothing is sent upstream', async () => {
      rig.fake.reset();
      const since = Date.now();
      const result = await driver.run(rig, { prompt: 'Say hello.', model: 'no-such-model', timeout_ms: AGENT_TIMEOUT_MS, stopWhen: stopAfterRefusal(rig, 404, since) });
      expect(result.code, explain(result, rig)).not.toBe(0);
      const asked = rig.exchanges.filter((exchange) => exchange.at_ms >= since && modelOf(exchange) === 'no-such-model');
      expect(asked.length, explain(result, rig)).toBeGreaterThan(0);
      for (const exchange of asked) expect(exchange.status).toBe(404);
      expect(`${result.stdout}\n${result.stderr}`).toContain('no-such-model');
      // nothing of the refused turn reached the upstream; only side requests to another alias may have
      // (opencode titles the session with its small_model, `free`, in parallel)
      expect(mainRequests()).toEqual([]);
      const sideAliases = rig.exchanges.filter((exchange) => exchange.at_ms >= since && exchange.status === 200).map(modelOf);
      expect(rig.modelRequests().length).toBeLessThanOrEqual(sideAliases.length);
      expect(sideAliases).not.toContain('no-such-model');
    }, 120_000);

    it('(f) a budget-refused alias never reaches the metered model', async () => {
      rig.fake.reset();
      const since = Date.now();
      const result = await driver.run(rig, { prompt: 'Say hello.', model: 'paid', timeout_ms: AGENT_TIMEOUT_MS, stopWhen: stopAfterRefusal(rig, 403, since) });
      expect(result.code, explain(result, rig)).not.toBe(0);
      // portai refused every request for the alias (403: no candidate could ever serve it at a $0 budget)
      const asked = rig.exchanges.filter((exchange) => exchange.at_ms >= since && modelOf(exchange) === 'paid');
      expect(asked.length, explain(result, rig)).toBeGreaterThan(0);
      for (const exchange of asked) expect(exchange.status).toBe(403);
      const metered = rig.fake.requests.filter((request) => request.path.startsWith('/paid/') || (request.body as { model?: string } | undefined)?.model === 'expensive-model');
      expect(metered).toEqual([]);
      expect(rig.attempts().filter((attempt) => attempt.provider === 'paid')).toEqual([]);
    }, 120_000);

    it('(d) a per-minute window reached: portai answers 429 retry-after, the agent waits and succeeds', async () => {
      const result = await busyRun;
      expect(result.code, explain(result, busyRig)).toBe(0);
      expect(driver.answer(result)).toContain('Answered once the window reopened.');
      // portai said when to come back (retry-after), the agent came back then and was served
      const asked = busyRig.exchanges.filter((exchange) => exchange.at_ms >= busySince && modelOf(exchange) === 'busy');
      const refused = asked.find((exchange) => exchange.status === 429);
      expect(refused, explain(result, busyRig)).toBeDefined();
      const retryAfter = Number(refused?.responseHeaders['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      const reopened = (refused?.at_ms ?? Infinity) + (retryAfter - 1) * 1000; // retry-after is whole seconds, rounded up
      const served = asked.filter((exchange) => exchange.status === 200);
      expect(served.length).toBeGreaterThan(0);
      expect(served[0].at_ms).toBeGreaterThanOrEqual(reopened);
      // and nothing reached the busy upstream while the window was full (the fill's own requests came before)
      const busy = busyRig.fake.requests.filter((request) => request.path.startsWith('/busy/') && request.at_ms >= busySince);
      expect(busy.length).toBeGreaterThan(0);
      for (const request of busy) expect(request.at_ms).toBeGreaterThanOrEqual(reopened);
    }, 150_000);
  });
}
