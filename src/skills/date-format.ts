// A small, documented date pattern set, formatted through Intl so no date library is needed.
//   yyyy 2026 · MM 03 · M 3 · MMM Mar · MMMM March · dd 07 · d 7 · EEE Sat · EEEE Saturday
//   HH 09 (24 h) · mm 05 · ss 04 · XXX +01:00 (offset; +00:00 at UTC) · 'text' is copied as is
import { BadInputError } from '../errors.js';

const TOKEN = /'[^']*'|yyyy|MMMM|MMM|MM|M|dd|d|EEEE|EEE|HH|mm|ss|XXX/g;

export const DATE_PATTERNS = ['yyyy', 'MMMM', 'MMM', 'MM', 'M', 'dd', 'd', 'EEEE', 'EEE', 'HH', 'mm', 'ss', 'XXX'];

export function formatDate(value: string | Date, pattern: string, timeZone: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new BadInputError('date: the value is not an ISO 8601 time', { hint: 'pass an ISO time such as now or 2026-03-07T09:00:00Z' });
  }
  const parts = partsOf(date, timeZone);
  return pattern.replace(TOKEN, (token) => (token.startsWith("'") ? token.slice(1, -1) : parts[token] ?? token));
}

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone and option set.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

function partsOf(date: Date, timeZone: string): Record<string, string> {
  const numeric = formatter('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => numeric.find((part) => part.type === type)?.value ?? '';
  const named = (options: Intl.DateTimeFormatOptions) => formatter('en-GB', { timeZone, ...options }).format(date);
  return {
    yyyy: get('year'),
    MM: get('month'),
    M: String(Number(get('month'))),
    get MMM() { return named({ month: 'short' }); },
    get MMMM() { return named({ month: 'long' }); },
    dd: get('day'),
    d: String(Number(get('day'))),
    get EEE() { return named({ weekday: 'short' }); },
    get EEEE() { return named({ weekday: 'long' }); },
    HH: get('hour'),
    mm: get('minute'),
    ss: get('second'),
    get XXX() { return offsetOf(date, timeZone); },
  };
}

/** "+01:00"; "+00:00" at UTC (never "Z", to match the examples prompts give models). */
function offsetOf(date: Date, timeZone: string): string {
  const name = formatter('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name.replace('GMT', '');
  return offset === '' ? '+00:00' : offset;
}

/** Throws a BadInputError unless Intl knows the zone. */
export function checkTimeZone(timeZone: string, where: string): void {
  try {
    formatter('en-GB', { timeZone });
  } catch {
    throw new BadInputError(`${where}: unknown time zone '${timeZone}'`, { hint: 'use an IANA name such as Europe/London or UTC' });
  }
}
