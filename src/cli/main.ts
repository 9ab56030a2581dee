#!/usr/bin/env node
// commander wiring only: parse, call the command module (loaded lazily so start-up stays fast), map errors to exit codes.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { reportError } from './handle.js';
import { printJsonError } from './json-error.js';
import { redactWrites } from './redact-stdio.js';
import type { GlobalOptions } from './context.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const collect = (value: string, previous: string[]) => [...previous, value];

function build(): Command {
  const program = new Command('portai')
    .description('Run YAML skills through interchangeable AI providers, with routing, quota and spend guards.')
    .version(version, '-V, --version')
    .option('--config <file>', 'config file (default: $PORTAI_CONFIG, ./portai.yaml, ~/.config/portai/config.yaml)')
    .option('--debug', 'show stack traces on errors')
    .option('--offline', 'use the local SQLite ledger instead of the shared one (ledger.url); only free models run')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const run = <T extends unknown[]>(load: () => Promise<{ default: (globals: GlobalOptions, ...args: T) => Promise<number | void> }>) =>
    async (...args: T) => {
      const module = await load();
      (await import('./context.js')).rememberGlobals(globals());
      const code = await module.default(globals(), ...args);
      process.exitCode = code ?? 0;
    };

  const runCommand = program.command('run').description('run something');
  runCommand
    .command('skill <name>')
    .description('run a skill by name (name@git-rev runs the version committed at that revision)')
    .option('-i, --input <key=value>', 'an input value (repeatable)', collect, [])
    .option('--input-json <json>', "inputs as JSON: '<json>', @file or - for stdin")
    .option('--json', 'print one JSON object with the output and per-step details')
    .option('--dry-run', 'render prompts and print the plan of each step; send nothing')
    .option('--defer', 'queue the run for `portai worker` and exit')
    .option('--use <provider/model>', 'use this candidate instead of the route (every guard still applies)')
    .option('--stream', "stream the final step's text to stdout as it arrives")
    .option('--config <file>', 'config file')
    .action(run(() => import('./commands/run.js')));

  const skills = program.command('skills').description('list, show, validate skills');
  skills.command('list').option('--json').description('list the skills found').action(run(() => import('./commands/skills-list.js')));
  skills.command('show <name>').description("print a skill's file and facts").action(run(() => import('./commands/skills-show.js')));
  skills.command('validate [files...]').description('check skill files (all skills when none given)').action(run(() => import('./commands/skills-validate.js')));
  skills.command('history <name>').option('--json').description("a skill's git commits with how many runs each version had").action(run(() => import('./commands/skills-history.js')));

  const runs = program.command('runs').description('past runs from the ledger');
  runs.command('list').option('--limit <n>', 'how many', '20').option('--json').action(run(() => import('./commands/runs-list.js')));
  runs.command('show <id>').option('--json').description("a run's steps, attempts, plans and output").action(run(() => import('./commands/runs-show.js')));
  runs
    .command('resume <id>')
    .option('--json')
    .option('--resend', 'send again a step that may have been sent before a crash (it has no Idempotency-Key)')
    .option('--skip-step <step>', 'treat that step as done without sending it (its output is null)')
    .description('resume a failed or blocked run from the step where it stopped').action(run(() => import('./commands/runs-resume.js')));

  const providers = program.command('providers').description('configured providers');
  providers.command('list').option('--json').description('billing class, limits, what is left today, blocks').action(run(() => import('./commands/providers-list.js')));
  providers.command('unblock <name>').description('clear a cost alarm or other block on a provider').action(run(() => import('./commands/providers-unblock.js')));

  program
    .command('usage')
    .option('--json')
    .option('--reconcile', "read each provider's own counters and raise portai's where the provider counts more (never lower)")
    .description('requests and spend per provider per window')
    .action(run(() => import('./commands/usage.js')));
  const queue = program.command('queue').description('deferred runs');
  queue.command('list [id]').option('--json').option('--all', 'include finished jobs').description('jobs with their state, wait time and reason').action(run(() => import('./commands/queue-list.js')));
  queue.command('cancel <id>').description('cancel a queued or waiting job (by its run id or job id)').action(run(() => import('./commands/queue-cancel.js')));
  program.command('worker').option('--once', 'work what is runnable now, then exit').description('work the queue and the schedules').action(run(() => import('./commands/worker.js')));

  program
    .command('eval <skill>')
    .description("run a skill's test cases on each candidate model and print the matrix")
    .option('--models <list>', 'comma-separated provider/model candidates (default: what the routes allow after the guards)')
    .option('--repeat <n>', "run each case this many times (overrides each case's repeat)")
    .option('--json', 'print the report as JSON')
    .option('--junit <file>', 'also write a JUnit XML report here (for CI)')
    .option('--dry-run', 'print the requests per provider and what the limits leave; send nothing')
    .option('--defer', 'queue the eval for `portai worker`: it runs after ordinary runs and leaves the reserve of each window (defaults.evals.reserve, 20%) to them')
    .action(run(() => import('./commands/eval.js')));

  const models = program.command('models').description('model catalogs: sync and list');
  models.command('sync [provider]').option('--json').description('refresh model catalogs; report removed, re-priced, expiring and new free models').action(run(() => import('./commands/models-sync.js')));
  models.command('list').option('--free', 'only free models').option('--provider <name>', 'only this provider').option('--json').description('models in the stored catalogs: price, context, expiry, training').action(run(() => import('./commands/models-list.js')));
  program.command('doctor').option('--json').description('check keys, endpoints, quotas and risky config; exit 1 when something needs action').action(run(() => import('./commands/doctor.js')));

  program
    .command('serve')
    .description('a local OpenAI- and Anthropic-compatible endpoint on 127.0.0.1 that routes every request through the guards')
    .option('--port <n>', 'port (default 8787)')
    .option('--host <host>', 'bind another address than 127.0.0.1 (warned: only for a trusted network)')
    .option('--print-env <client>', 'print the settings for claude (Claude Code), hermes, codex or opencode, and exit')
    .action(run(() => import('./commands/serve.js')));

  program
    .command('dashboard')
    .option('--port <n>', 'port on 127.0.0.1 (default 8788; 0: any free port)')
    .option('--open', 'open the link in the system browser')
    .description('a read-only web page over the ledger: quota burn-down, spend, model health, runs, queue')
    .action(run(() => import('./commands/dashboard.js')));
  const ledgerCommand = program.command('ledger').description('the ledger itself');
  ledgerCommand
    .command('migrate')
    .requiredOption('--to <url>', 'the shared PostgreSQL ledger: postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass)')
    .description("copy this machine's SQLite ledger (PORTAI_HOME) into a shared PostgreSQL ledger; running it again copies nothing twice")
    .action(run(() => import('./commands/ledger-migrate.js')));

  program.command('init').option('--force', 'overwrite existing files').description('write a starter portai.yaml and an example skill').action(run(() => import('./commands/init.js')));
  program.command('where').option('--json').description('the config file in use, the skills folders, the state folder and the ledger').action(run(() => import('./commands/where.js')));
  program.command('completion <shell>').description('print a completion script for bash, zsh or fish').action(run(() => import('./commands/completion.js')));

  return program;
}

// `portai … | head` closes stdout early: that is the reader's choice, not an error worth a stack trace
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// before anything can print: every line portai writes is redacted (src/redact.ts)
redactWrites(process.stdout);
redactWrites(process.stderr);

async function main(argv: string[]): Promise<void> {
  const program = build();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other parse problem is bad usage (exit 2)
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      if (error.exitCode !== 0 && argv.includes('--json')) printJsonError(error, 'usage');
      return;
    }
    process.exitCode = reportError(error, process.argv.includes('--debug'), process.argv.includes('--json'));
  }
}

await main(process.argv);
