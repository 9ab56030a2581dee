// Which calendar a step names, checked against the config and the environment, without opening it: the
// runner's preflight reads it before anything is sent, and it imports no calendar library.
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../../errors.js';
import type { CalendarTarget, Config } from '../../types.js';
import type { CaldavOptions } from './caldav-store.js';

export interface TargetContext {
  config: Config;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export type TargetSpec = { kind: 'ics'; file: string } | { kind: 'caldav'; options: CaldavOptions };

/** Throws BadInputError for whatever would stop the step: an unknown name, no caldav:/ics:, credentials unset. */
export function targetSpec(name: string, context: TargetContext): TargetSpec {
  const target = context.config.calendars?.[name];
  if (!target) {
    const known = Object.keys(context.config.calendars ?? {});
    throw new BadInputError(`unknown calendar target '${name}'`, {
      place: { field: 'calendar.target' },
      hint: known.length > 0 ? `use one of: ${known.join(', ')}` : `add a 'calendars:' section with '${name}:' to the config (see README.md)`,
    });
  }
  if (target.ics) return { kind: 'ics', file: resolvePath(target.ics, context) };
  if (target.caldav) return { kind: 'caldav', options: caldavOptions(name, target, context) };
  throw new BadInputError(`calendar target '${name}' has neither caldav: nor ics:`, {
    place: { file: context.config.file ?? undefined, field: `calendars.${name}` },
    hint: 'give it caldav: <collection URL> or ics: <path of a file>',
  });
}

function caldavOptions(name: string, target: CalendarTarget, context: TargetContext) {
  const field = `calendars.${name}.caldav`;
  let url: URL;
  try {
    url = new URL(target.caldav as string);
  } catch {
    throw new BadInputError(`'${target.caldav}' is not a URL`, { place: { field }, hint: 'give the full URL of the calendar collection' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`the CalDAV URL must be http or https, not ${url.protocol}`, { place: { field }, hint: 'give an https:// URL' });
  }
  if (url.username || url.password) {
    throw new BadInputError('the CalDAV URL carries a user name or password', {
      place: { field },
      hint: 'remove them from the URL and set username_env and password_env to the names of environment variables',
    });
  }
  const credentialNames = [target.username_env, target.password_env].filter((item): item is string => Boolean(item));
  const authHeaders: Record<string, string> = {};
  if (credentialNames.length > 0) {
    const read = (variable: string | undefined, which: string) => {
      if (!variable) {
        throw new BadInputError(`calendar target '${name}' sets only one of username_env and password_env`, {
          place: { field: `calendars.${name}.${which}` },
          hint: 'set both, or neither for a server without a login',
        });
      }
      const value = context.env[variable];
      if (!value) {
        throw new BadInputError(`the environment variable ${variable} is not set (calendar target '${name}')`, {
          place: { field: `calendars.${name}.${which}` },
          hint: `export ${variable}=… before running`,
        });
      }
      return value;
    };
    const username = read(target.username_env, 'username_env');
    const password = read(target.password_env, 'password_env');
    authHeaders.Authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  return { collection: url.href, authHeaders, credentialNames, signal: context.signal };
}

/** ~ is the user's home; a relative path is relative to the config file's folder, else the working folder. */
function resolvePath(file: string, context: TargetContext): string {
  const home = context.env.HOME || os.homedir();
  const expanded = file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
  const base = context.config.file ? path.dirname(context.config.file) : process.cwd();
  return path.resolve(base, expanded);
}
