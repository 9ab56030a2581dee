// Where calendar steps write: the implicit .ics file in the state folder is worth a line, so nobody
// wonders where `calendar-update` put the event; a CalDAV target missing its credentials is a problem.
import type { Config } from '../types.js';
import { defaultCalendarFile } from '../config/index.js';
import { configName } from '../router/config-name.js';
import type { Finding } from './finding.js';

export function calendarFindings(config: Config, env: Record<string, string | undefined>): Finding[] {
  const findings: Finding[] = [];
  for (const [name, target] of Object.entries(config.calendars)) {
    if (name === 'default' && target.ics === defaultCalendarFile(env as NodeJS.ProcessEnv)) {
      findings.push({
        level: 'info',
        text: `calendar default: calendar steps write to ${target.ics} until you configure one`,
        fix: `add calendars: { default: { caldav: https://…/calendar/, username_env: CAL_USER, password_env: CAL_PASS } } to ${configName(config)}`,
      });
      continue;
    }
    const unset = [target.username_env, target.password_env].filter((variable): variable is string => Boolean(variable) && !env[variable as string]);
    if (target.caldav && unset.length > 0) {
      findings.push({ level: 'problem', text: `calendar ${name}: ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set, so its calendar steps stop with exit 2`, fix: `export ${unset[0]}=…` });
    } else {
      findings.push({ level: 'ok', text: `calendar ${name}: ${target.caldav ?? target.ics}` });
    }
  }
  return findings;
}
