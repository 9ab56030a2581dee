// Until the user configures a calendar, calendar steps write to an .ics file in the state folder, so the
// shipped calendar-update skill works right after `portai init` (issue 12). Any `default:` the config
// gives replaces it.
import path from 'node:path';
import type { CalendarTarget } from '../types.js';
import { ledgerHome } from '../ledger/home.js';

export function defaultCalendarFile(env: NodeJS.ProcessEnv): string {
  return path.join(ledgerHome(env), 'calendar.ics');
}

export function withDefaultCalendar(calendars: Record<string, CalendarTarget> | undefined, env: NodeJS.ProcessEnv): Record<string, CalendarTarget> {
  if (calendars?.default) return calendars;
  return { ...calendars, default: { ics: defaultCalendarFile(env) } };
}
