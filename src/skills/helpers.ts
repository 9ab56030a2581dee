// The whole helper set templates may use. knownHelpersOnly makes any other helper a compile error,
// and static-check.ts uses HELPER_NAMES to tell helper calls from variables.
import type { HelperOptions } from 'handlebars';
import { checkTimeZone, formatDate } from './date-format.js';

type Helper = (...args: unknown[]) => unknown;

/** Handlebars' own block helpers that stay available. */
export const BUILT_IN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Splits Handlebars' trailing options object from the positional arguments. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptions } {
  return { values: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

export const helpers: Record<string, Helper> = {
  /** {{json x}} or {{json x pretty=true}} */
  json: (...args) => {
    const { values, options } = split(args);
    const text = JSON.stringify(values[0] ?? null, null, options.hash?.pretty ? 2 : undefined);
    return text;
  },
  /** {{date now "yyyy-MM-dd" tz="Europe/London"}}; the zone defaults to a `timezone` input, else UTC */
  date: (...args) => {
    const { values, options } = split(args);
    const root = (options.data?.root ?? {}) as Record<string, unknown>;
    const zone = String(options.hash?.tz ?? (typeof root.timezone === 'string' && root.timezone ? root.timezone : 'UTC'));
    checkTimeZone(zone, 'date helper');
    const pattern = typeof values[1] === 'string' ? values[1] : 'yyyy-MM-dd';
    return formatDate(String(values[0]), pattern, zone);
  },
  /** {{default x "fallback"}}: the fallback when x is missing, null, empty or an empty list */
  default: (...args) => {
    const { values } = split(args);
    return isEmpty(values[0]) ? values[1] : values[0];
  },
  /** {{join list ", "}} */
  join: (...args) => {
    const { values } = split(args);
    const separator = typeof values[1] === 'string' ? values[1] : ', ';
    return Array.isArray(values[0]) ? values[0].map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(separator) : String(values[0] ?? '');
  },
  /** {{eq a b}}: strict equality, for `when` and #if */
  eq: (...args) => {
    const { values } = split(args);
    return values[0] === values[1];
  },
  /** {{not x}}: true for false, empty and missing values */
  not: (...args) => {
    const { values } = split(args);
    return isEmpty(values[0]) || values[0] === false;
  },
};

export const HELPER_NAMES: ReadonlySet<string> = new Set([...Object.keys(helpers), ...BUILT_IN_HELPERS]);
