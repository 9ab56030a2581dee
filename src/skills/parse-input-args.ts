// `-i key=value` (repeatable) and `--input-json '<json>' | @file | -` into one object of given inputs.
// Values from -i stay strings here; resolveInputs coerces them to the declared type.
import fs from 'node:fs';
import { BadInputError } from '../errors.js';

/** No prototype: `-i __proto__=x` becomes an ordinary (unknown, refused) key instead of vanishing into Object.prototype. */
const emptyInputs = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

export function parseInputArgs(pairs: string[] = [], inputJson?: string, readStdin?: () => string): Record<string, unknown> {
  const given: Record<string, unknown> = Object.assign(emptyInputs(), inputJson === undefined ? {} : parseInputJson(inputJson, readStdin));
  // -i comes after the JSON so a single value can be overridden on the command line
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new BadInputError(`-i ${pair}: expected key=value`, { hint: 'e.g. -i name=Ada (quote values with spaces: -i "request=lunch at 1pm")' });
    given[pair.slice(0, equals).trim()] = pair.slice(equals + 1);
  }
  return given;
}

function parseInputJson(argument: string, readStdin?: () => string): Record<string, unknown> {
  let text: string;
  let origin: string;
  if (argument === '-') {
    if (!readStdin) throw new BadInputError('--input-json -: no standard input to read', { hint: 'pass the JSON itself or @file' });
    text = readStdin();
    origin = 'standard input';
  } else if (argument.startsWith('@')) {
    const file = argument.slice(1);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new BadInputError(`--input-json @${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { hint: 'check the path after @' });
    }
    origin = file;
  } else {
    text = argument;
    origin = '--input-json';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${origin}: not valid JSON (${(error as Error).message})`, { hint: `give one JSON object, e.g. --input-json '{"name": "Ada"}'` });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadInputError(`${origin}: the inputs must be one JSON object`, { hint: `e.g. {"name": "Ada"}` });
  }
  return value as Record<string, unknown>;
}
