// The skill file as written, after schema validation and before it becomes a Skill.
import type { Effort, JsonSchema, Privacy } from '../types.js';

export interface RawStep {
  id: string;
  when?: string;
  effort?: Effort;
  prompt?: string;
  system?: string;
  schema?: JsonSchema;
  max_output_tokens?: number;
  tag?: string;
  http?: Record<string, unknown>;
  calendar?: Record<string, unknown>;
}

export interface RawSkill {
  name: string;
  description?: string;
  outcome: string;
  privacy?: Privacy;
  tags?: string[];
  inputs?: Record<string, JsonSchema & { required?: boolean; default?: unknown; stdin?: boolean }>;
  env?: string[];
  steps: RawStep[];
  defer?: boolean;
  schedule?: string | { cron: string; inputs?: Record<string, unknown> };
  notify?: { webhook?: string; command?: string };
  deadline?: string;
  quality?: { min_pass_rate?: number; untested: 'allow' | 'avoid' | 'deny' };
  /** the skill's test cases: read by src/evals, not by the runner */
  tests?: unknown;
}

export const LLM_ONLY_FIELDS = ['effort', 'prompt', 'system', 'schema', 'max_output_tokens', 'tag'] as const;
export const ACTIONS = ['http', 'calendar'] as const;
