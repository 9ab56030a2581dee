// Results reach the user: a webhook (POST of the result JSON) or a command given the result on stdin.
import { spawn } from 'node:child_process';
import { request } from 'undici';
import type { NotifySpec } from '../types.js';
import { redact } from '../redact.js';

export interface NotifyPayload {
  event: 'done' | 'failed' | 'deadline';
  run_id: string;
  skill: string;
  status: string;
  output: unknown;
  problem?: string[];
}

export function notifyKey(payload: Pick<NotifyPayload, 'run_id' | 'event'>): string {
  return `portai-${payload.run_id}-notify-${payload.event}`;
}

/** Never throws: a broken notifier is reported, the run's result stays in the ledger. */
export async function notify(spec: NotifySpec | undefined, payload: NotifyPayload): Promise<string | null> {
  if (!spec) return null;
  const body = redact(JSON.stringify(payload));
  try {
    if (spec.webhook) {
      // stable per run and event: a webhook sent again after a crash carries the key of the first copy
      const headers = { 'content-type': 'application/json', 'idempotency-key': notifyKey(payload) };
      const response = await request(spec.webhook, { method: 'POST', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
      await response.body.dump();
      if (response.statusCode >= 300) return `notify webhook answered HTTP ${response.statusCode}`;
    }
    if (spec.command) {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(spec.command as string, { shell: true, stdio: ['pipe', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('close', (status) => resolve(status ?? 1));
        child.stdin.end(body);
      });
      if (code !== 0) return `notify command exited with ${code}`;
    }
    return null;
  } catch (error) {
    return `notify failed: ${(error as Error).message}`;
  }
}
