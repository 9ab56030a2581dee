// portai run skill <name>
import fs from 'node:fs';
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, printJson, printOutput, type GlobalOptions } from '../context.js';
import { createProgress } from '../../runner/progress.js';
import { closeRunsOnSignal } from '../close-runs-on-signal.js';
import { besideStream, createStreamOutput } from '../stream-output.js';
import type { RunResult } from '../../runner/result.js';
import { readPipedStdin } from '../read-piped-stdin.js';

// How long a pipe may stay silent before portai decides nothing is piped in: long when the input is required
// and not given (a slow producer such as curl or another portai run), short when stdin would only be a conflict.
const STDIN_WAIT_NEEDED_MS = 10_000;
const STDIN_WAIT_MS = 250;

export interface RunOptions {
  input: string[];
  inputJson?: string;
  json?: boolean;
  dryRun?: boolean;
  defer?: boolean;
  use?: string;
  stream?: boolean;
  config?: string;
}

export default async function runSkillCommand(globals: GlobalOptions, name: string, options: RunOptions): Promise<number> {
  const config = await loadConfigFor({ ...globals, config: options.config ?? globals.config });
  const { loadSkillRef, parseInputArgs, bindStdin, stdinTarget } = await import('../../skills/index.js');
  const skill = loadSkillRef(name, config.skills_dirs, { commit: !options.dryRun });
  const fromArgs = parseInputArgs(options.input, options.inputJson, () => fs.readFileSync(0, 'utf8'));
  // `--input-json -` already took standard input as JSON; a skill with nothing stdin could fill leaves it alone
  const target = options.inputJson === '-' ? null : stdinTarget(skill);
  const needed = target !== null && 'input' in target && skill.required.includes(target.input) && fromArgs[target.input] === undefined;
  const piped = target === null ? undefined : await readPipedStdin(needed ? STDIN_WAIT_NEEDED_MS : STDIN_WAIT_MS);
  const given = bindStdin(skill, fromArgs, piped);
  if (options.use && !/^[^/]+\/.+$/.test(options.use)) {
    throw new BadInputError(`--use ${options.use}: expected <provider>/<model>`, { hint: 'e.g. --use openrouter/openrouter/free' });
  }
  const ledger = await openLedgerFor();
  const removeSignalHandlers = closeRunsOnSignal();
  try {
    if ((options.defer || skill.defer) && !options.dryRun) {
      const { deferRun } = await import('../../queue/index.js');
      const runId = deferRun({ config, ledger, skill, given, env: process.env });
      if (options.json) printJson({ run_id: runId, skill: skill.name, status: 'queued', output: null, steps: [] });
      else process.stdout.write(`${runId}\n`);
      process.stderr.write(`queued as ${runId}; \`portai worker\` will run it (see: portai queue list)\n`);
      return 0;
    }
    const { runSkill } = await import('../../runner/run-skill.js');
    const stream = options.stream && !options.json && !options.dryRun ? createStreamOutput(process.stdout, process.stderr) : undefined;
    const progress = besideStream(createProgress(), stream);
    // a route pattern (openrouter/*:free) also admits the free models of the last catalog sync
    const { withCatalogModels } = await import('../../catalog/admit.js');
    const result = await runSkill({
      config: withCatalogModels(config, ledger), ledger, skill, given, env: process.env, progress,
      dryRun: options.dryRun, use: options.use,
      onText: stream?.text,
    });
    const shown = stream?.finish(result.status === 'ok') ?? false;
    if (options.dryRun) return printDryRun(result, options.json);
    const tokens = result.steps.reduce((sum, step) => sum + step.input_tokens + step.output_tokens, 0);
    const cost = result.steps.reduce((sum, step) => sum + step.cost_usd, 0);
    progress.info(`${result.status} · ${tokens} tokens · $${cost.toFixed(4)} · run ${result.run_id}`);
    if (options.json) printJson(jsonResult(result));
    else if (result.status === 'ok' && !shown) printOutput(result.output);
    for (const line of result.problem ?? []) process.stderr.write(`portai: ${line}\n`);
    if (result.status === 'blocked' && result.run_id) process.stderr.write(`portai: run ${result.run_id} is kept; resume it with: portai runs resume ${result.run_id}\n`);
    return exitCodeOf(result);
  } finally {
    removeSignalHandlers();
    ledger.close();
  }
}

export function exitCodeOf(result: RunResult): number {
  return result.status === 'ok' || result.status === 'queued' ? 0 : result.status === 'blocked' ? 3 : 1;
}

export function jsonResult(result: RunResult) {
  return {
    run_id: result.run_id,
    skill: result.skill,
    status: result.status,
    output: result.output,
    // `note` ("skipped" for a when: that rendered false, "reused" on resume) is only present on steps that did not run
    steps: result.steps.map(({ note, served_model: _served, ...step }) => (note === undefined ? step : { ...step, note })),
    ...(result.problem ? { problem: result.problem } : {}),
    ...(result.warnings.length ? { warnings: result.warnings } : {}),
  };
}

async function printDryRun(result: RunResult, json?: boolean): Promise<number> {
  const { formatPlan } = await import('../../router/index.js');
  const stop = result.stop;
  if (json) {
    printJson({
      skill: result.skill, status: result.status, plans: result.plans, prompts: result.prompts ?? {}, problem: result.problem ?? null,
      stops_at: stop ? { step: stop.step, exit_code: stop.exit_code, problem: stop.lines } : null,
    });
  } else {
    process.stdout.write(`dry run of ${result.skill}: nothing is sent\n`);
    for (const step of result.steps) {
      const plan = result.plans.find((candidate) => candidate.step === step.id);
      process.stdout.write(`\nstep ${step.id}${plan ? '' : `: ${step.note ?? ''}`}\n`);
      for (const line of plan ? formatPlan(plan) : []) process.stdout.write(`  ${line}\n`);
      const prompt = result.prompts?.[step.id];
      if (plan && prompt === null) process.stdout.write('  prompt: (needs the output of an earlier step; rendered at run time)\n');
      if (plan && prompt) process.stdout.write(`  prompt:\n${prompt.replace(/^/gm, '    | ')}\n`);
    }
  }
  // the plan needs no keys, but the exit code is the real run's: 2 if it would refuse bad input, 3 if blocked
  if (stop) {
    process.stderr.write(`portai: the real run would stop at step ${stop.step} (exit ${stop.exit_code}):\n`);
    for (const line of stop.lines) process.stderr.write(`portai:   ${line}\n`);
    return stop.exit_code;
  }
  return result.status === 'blocked' ? 3 : 0;
}
