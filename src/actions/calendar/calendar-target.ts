// Find the calendar a step names in the config and open it as a store, with credentials from the environment.
import type { CalendarStore } from './calendar-store.js';
import { caldavStore } from './caldav-store.js';
import { icsStore } from './ics-store.js';
import { targetSpec, type TargetContext } from './target-spec.js';

export type { TargetContext } from './target-spec.js';

export function openTarget(name: string, context: TargetContext): CalendarStore {
  const spec = targetSpec(name, context);
  return spec.kind === 'ics' ? icsStore(spec.file, name) : caldavStore(spec.options);
}
