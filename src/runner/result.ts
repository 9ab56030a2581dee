import type { Plan } from '../types.js';

export type RunStatus = 'ok' | 'failed' | 'blocked' | 'queued';

export interface StepReport {
  id: string;
  /** provider entry name in the config; null for action steps and skipped steps */
  provider: string | null;
  model: string | null;
  /** the model that actually served, as the response said (OpenRouter's router and fallbacks change it) */
  served_model?: string;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  duration_ms: number;
  /** set when the step did not run: 'skipped' (when: false), 'reused' (resumed from an earlier attempt of this run) */
  note?: string;
}

export interface RunResult {
  run_id: string | null;
  skill: string;
  status: RunStatus;
  output: unknown;
  steps: StepReport[];
  /** plans of the LLM steps, in order (dry runs and explanations) */
  plans: Plan[];
  /** dry runs: each LLM step's rendered prompt, or null when it needs an earlier step's output */
  prompts?: Record<string, string | null>;
  /** for a blocked run: when the earliest rejected candidate unblocks by itself, epoch ms; null = not by itself */
  unblock_at_ms?: number | null;
  /** blocked until the user decides (`runs resume --resend | --skip-step`): a step may have been sent before a crash */
  awaiting_user?: boolean;
  /** for a blocked run that no time will lift: the commands by which the user can lift it (`portai providers unblock x`) */
  unblock_commands?: string[];
  /** the lines that explain a blocked or failed run */
  problem?: string[];
  /** dry runs: the first step the real run would stop at, and its exit code (2 bad input, 3 blocked) */
  stop?: { step: string; exit_code: 2 | 3; lines: string[] };
  warnings: string[];
}
