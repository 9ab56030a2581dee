// The shapes of a skill's tests and of eval results; imports nothing from the project.

export type AssertionType =
  | 'equals' | 'contains' | 'icontains' | 'not-contains' | 'regex' | 'json-schema' | 'json-path'
  | 'max-length' | 'max-cost' | 'max-latency' | 'judge';

export interface Assertion {
  type: AssertionType;
  value?: unknown;
  pattern?: string;
  flags?: string;
  schema?: Record<string, unknown>;
  path?: string;
  equals?: unknown;
  contains?: string;
  rubric?: string;
  route?: 'free' | 'any';
  model?: string;
}

interface CaseBase {
  id: string;
  inputs: Record<string, unknown>;
  /** the LLM step checked */
  step: string;
  now?: string;
  /** given outputs of earlier steps (action steps never run in an eval) */
  steps: Record<string, unknown>;
  /** where it is written, for errors and reports */
  file: string;
  line?: number;
}

export interface TestCase extends CaseBase {
  repeat: number;
  assert: Assertion[];
}

export interface RenderCase extends CaseBase {
  expect_contains: string[];
  expect_not_contains: string[];
}

export interface SkillTests {
  /** the file the cases came from: the skill itself or <name>.tests.yaml */
  file: string;
  cases: TestCase[];
  render: RenderCase[];
}

export interface CheckResult {
  type: AssertionType;
  pass: boolean;
  detail: string;
}

/** pass and fail are verdicts on the model; not_run (429, outage, every candidate blocked) is none. */
export type CaseStatus = 'pass' | 'fail' | 'not_run';

export interface CaseRun {
  case_id: string;
  /** the candidate asked, provider/model */
  candidate: string;
  /** the model that actually served, as the response said (OpenRouter's router and fallbacks change it) */
  served_model: string | null;
  status: CaseStatus;
  checks: CheckResult[];
  /** why it failed or did not run */
  problem?: string;
  /**
   * not run: when it may run (a quota reset, the eval reserve's window end); null when no time lifts the block
   * (privacy, key, budget); absent when unknown (a 429 or an outage after sending: try again later)
   */
  until_ms?: number | null;
  cost_usd: number;
  latency_ms: number;
}
