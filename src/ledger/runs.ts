// Runs, the plans and rendered prompts of their steps, and the outputs of finished steps (reused on resume;
// failures are never stored).
import { newId as ulid } from './ids.js';
import type { ChatMessage, Plan } from '../types.js';
import { type Db, iso, parseJson } from './db.js';
import { ownerGone, thisProcess } from './owner.js';

/** `interrupted` is never stored: it is a `running` run whose process on this host is gone (killed, crashed). */
export type RunStatus = 'queued' | 'running' | 'ok' | 'failed' | 'blocked' | 'interrupted';
type StoredStatus = Exclude<RunStatus, 'interrupted'>;

export interface RunInit {
  skill: string;
  skill_file: string;
  skill_hash: string;
  skill_commit?: string | null;
  inputs: unknown;
  now_utc: string;
  today: string;
  status: StoredStatus;
  /** the config file the run was started with (null: the built-in default) */
  config_file?: string | null;
}

export interface RunRow {
  id: string;
  skill: string;
  skill_file: string;
  skill_hash: string;
  skill_commit: string | null;
  inputs: unknown;
  now_utc: string;
  today: string;
  status: RunStatus;
  output: unknown;
  error: string | null;
  started_utc: string;
  finished_utc: string | null;
  /** the process that last set the run running */
  owner_pid: number | null;
  owner_host: string | null;
  config_file: string | null;
}

interface RunRecord extends Omit<RunRow, 'inputs' | 'output'> {
  inputs_json: string;
  output_json: string | null;
}

const FINAL: ReadonlySet<StoredStatus> = new Set(['ok', 'failed', 'blocked']);

function toRow(record: RunRecord | undefined): RunRow | undefined {
  if (!record) return undefined;
  const { inputs_json, output_json, ...rest } = record;
  const status = rest.status === 'running' && ownerGone(rest.owner_pid, rest.owner_host) ? 'interrupted' : rest.status;
  return { ...rest, status, inputs: parseJson(inputs_json), output: parseJson(output_json) };
}

const COLUMNS = 'id, skill, skill_file, skill_hash, skill_commit, inputs_json, now_utc, today, status, output_json, error, started_utc, finished_utc, owner_pid, owner_host, config_file';

export function createRun(db: Db, init: RunInit, now = db.now()): string {
  const id = ulid(now);
  const owner = thisProcess();
  db.statement(
    `INSERT INTO runs (id, skill, skill_file, skill_hash, skill_commit, inputs_json, now_utc, today, status, started_utc, started_ms, owner_pid, owner_host, config_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, init.skill, init.skill_file, init.skill_hash, init.skill_commit ?? null, JSON.stringify(init.inputs ?? {}), init.now_utc, init.today, init.status, iso(now), now, owner.pid, owner.host, init.config_file ?? null);
  return id;
}

export function getRun(db: Db, id: string): RunRow | undefined {
  return toRow(db.statement(`SELECT ${COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRecord | undefined);
}

export function listRuns(db: Db, options: { limit?: number; skill?: string } = {}): RunRow[] {
  const limit = options.limit ?? 20;
  const records = options.skill
    ? db.statement(`SELECT ${COLUMNS} FROM runs WHERE skill = ? ORDER BY started_ms DESC, id DESC LIMIT ?`).all(options.skill, limit)
    : db.statement(`SELECT ${COLUMNS} FROM runs ORDER BY started_ms DESC, id DESC LIMIT ?`).all(limit);
  return (records as RunRecord[]).map((record) => toRow(record) as RunRow);
}

/** Setting a run `running` makes this process its owner: a resume or a worker takes it over. */
export function setRunStatus(db: Db, id: string, status: StoredStatus, extra: { output?: unknown; error?: string | null } = {}, now = db.now()): void {
  const owner = thisProcess();
  db.statement(
    `UPDATE runs SET status = ?,
       output_json = CASE WHEN ? = 1 THEN ? ELSE output_json END,
       error = CASE WHEN ? = 1 THEN ? ELSE error END,
       finished_utc = ?,
       owner_pid = CASE WHEN ? = 1 THEN ? ELSE owner_pid END,
       owner_host = CASE WHEN ? = 1 THEN ? ELSE owner_host END
     WHERE id = ?`,
  ).run(
    status,
    extra.output !== undefined ? 1 : 0,
    extra.output === undefined ? null : JSON.stringify(extra.output),
    extra.error !== undefined ? 1 : 0,
    extra.error ?? null,
    FINAL.has(status) ? iso(now) : null,
    status === 'running' ? 1 : 0,
    owner.pid,
    status === 'running' ? 1 : 0,
    owner.host,
    id,
  );
}

export function runStats(db: Db, skill: string): Array<{ skill_hash: string; skill_commit: string | null; runs: number; ok: number }> {
  return db
    .statement(
      `SELECT skill_hash, skill_commit, COUNT(*) AS runs, SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok
       FROM runs WHERE skill = ? GROUP BY skill_hash, skill_commit`,
    )
    .all(skill) as Array<{ skill_hash: string; skill_commit: string | null; runs: number; ok: number }>;
}

export function savePlan(db: Db, runId: string, stepId: string, plan: Plan): void {
  db.statement('INSERT INTO plans (run_id, step_id, plan_json) VALUES (?, ?, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET plan_json = excluded.plan_json').run(runId, stepId, JSON.stringify(plan));
}

export function getPlans(db: Db, runId: string): Array<{ step_id: string; plan: Plan }> {
  const rows = db.statement('SELECT step_id, plan_json FROM plans WHERE run_id = ? ORDER BY rowid').all(runId) as Array<{ step_id: string; plan_json: string }>;
  return rows.map((row) => ({ step_id: row.step_id, plan: JSON.parse(row.plan_json) as Plan }));
}

/** The caller redacts secrets first: this stores what it is given. */
export function savePrompt(db: Db, runId: string, stepId: string, messages: ChatMessage[]): void {
  db.statement('INSERT INTO step_prompts (run_id, step_id, messages_json) VALUES (?, ?, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET messages_json = excluded.messages_json').run(runId, stepId, JSON.stringify(messages));
}

export function getPrompts(db: Db, runId: string): Array<{ step_id: string; messages: ChatMessage[] }> {
  const rows = db.statement('SELECT step_id, messages_json FROM step_prompts WHERE run_id = ? ORDER BY rowid').all(runId) as Array<{ step_id: string; messages_json: string }>;
  return rows.map((row) => ({ step_id: row.step_id, messages: JSON.parse(row.messages_json) as ChatMessage[] }));
}

export function saveStepResult(db: Db, runId: string, stepId: string, contentHash: string, output: unknown, now = db.now()): void {
  db.statement(
    `INSERT INTO step_results (run_id, step_id, content_hash, output_json, finished_utc) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET content_hash = excluded.content_hash, output_json = excluded.output_json, finished_utc = excluded.finished_utc`,
  ).run(runId, stepId, contentHash, JSON.stringify(output ?? null), iso(now));
}

export function stepResults(db: Db, runId: string): Array<{ step_id: string; content_hash: string; output: unknown }> {
  const rows = db.statement('SELECT step_id, content_hash, output_json FROM step_results WHERE run_id = ?').all(runId) as Array<{ step_id: string; content_hash: string; output_json: string }>;
  return rows.map((row) => ({ step_id: row.step_id, content_hash: row.content_hash, output: parseJson(row.output_json) }));
}

export function findStepResult(db: Db, contentHash: string): unknown | undefined {
  const row = db.statement('SELECT output_json FROM step_results WHERE content_hash = ? LIMIT 1').get(contentHash) as { output_json: string } | undefined;
  return row ? parseJson(row.output_json) : undefined;
}
