// A temporary user: a home folder with portai.yaml, a skills folder and a state folder, and a way to run the CLI there.
import fs from 'node:fs';
import path from 'node:path';
import { baseEnv, runCli, tempHome, type CliResult } from './cli.js';

export interface Workspace {
  dir: string;
  env: Record<string, string>;
  state: string;
  run(args: string[], options?: { env?: Record<string, string | undefined>; input?: string }): Promise<CliResult>;
  writeSkill(name: string, yaml: string): string;
  writeConfig(yaml: string): string;
  /** every byte portai keeps: the ledger and its WAL */
  ledgerBytes(): string;
  cleanup(): void;
}

export function createWorkspace(config: string, skills: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Workspace {
  const dir = tempHome();
  const env = baseEnv(dir, extraEnv);
  fs.mkdirSync(path.join(dir, 'skills'), { recursive: true });
  const workspace: Workspace = {
    dir,
    env,
    state: env.PORTAI_HOME,
    run: (args, options = {}) => runCli(args, { cwd: dir, env: { ...env, ...options.env }, input: options.input }),
    writeSkill(name, yaml) {
      const file = path.join(dir, 'skills', `${name}.yaml`);
      fs.writeFileSync(file, yaml);
      return file;
    },
    writeConfig(yaml) {
      const file = path.join(dir, 'portai.yaml');
      fs.writeFileSync(file, yaml);
      return file;
    },
    ledgerBytes() {
      if (!fs.existsSync(env.PORTAI_HOME)) return '';
      return fs
        .readdirSync(env.PORTAI_HOME)
        .map((name) => fs.readFileSync(path.join(env.PORTAI_HOME, name)).toString('latin1'))
        .join('\n');
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  workspace.writeConfig(config);
  for (const [name, yaml] of Object.entries(skills)) workspace.writeSkill(name, yaml);
  return workspace;
}

/** A config with one free OpenAI-compatible provider (`local`) and one metered one (`paid`) on the same fake server. */
export function localConfig(origin: string, extra = ''): string {
  return `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  local:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
    models:
      - id: small-model
        context: 32000
      - id: other-model
        context: 32000
  paid:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    models:
      - id: pricey
        price: { input: 1, output: 2 }
        max_output: 1000
${extra}`;
}

export const HELLO_SKILL = `name: greet
description: Say hello.
outcome: A one-line friendly greeting that uses the person's name.
privacy: public
inputs:
  name: { type: string }
steps:
  - id: say
    prompt: Say hello to {{name}} in one line.
`;
