// Action steps: the non-LLM steps a skill can take (http, calendar). The runner renders every string
// of the block before calling runAction, so the spec holds concrete values.
import type { Config } from '../types.js';
import { BadInputError } from '../errors.js';
import { runHttpAction } from './http/http-action.js';
import { runCalendarAction } from './calendar/calendar-action.js';

export interface ActionContext {
  /** calendars: Record<string, CalendarTarget> */
  config: Config;
  /** for username_env/password_env */
  env: Record<string, string | undefined>;
  /** the run's time zone, for local times */
  timezone: string;
  signal?: AbortSignal;
  /** http: the run's Idempotency-Key for this step, and the hook that records `sending` before each request */
  defaultKey?: string;
  onSend?: (key: string | null) => void;
}

/** The output becomes steps.<id> and is stored in the ledger: it never holds a secret. */
export function runAction(action: 'http' | 'calendar', spec: Record<string, unknown>, context: ActionContext): Promise<unknown> {
  if (action === 'http') return runHttpAction(spec, { signal: context.signal, defaultKey: context.defaultKey, onSend: context.onSend });
  if (action === 'calendar') return runCalendarAction(spec, context);
  return Promise.reject(new BadInputError(`unknown action '${String(action)}'`, { hint: 'use http or calendar' }));
}

export { HttpStepError } from './http/http-action.js';
export type { CalendarChange } from './calendar/calendar-action.js';
export type { ListedEvent } from './calendar/ical-event.js';
