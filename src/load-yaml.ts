// Parse a YAML file keeping positions, validate it with ajv, and turn the first problem into
// one plain error naming the file, line:column, field and the fix.
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { BadInputError } from './errors.js';

export interface LoadedYaml<T> {
  value: T;
  /** finds the line and column of a field path, for errors found after validation */
  placeOf(path: Array<string | number>): { line?: number; column?: number };
}

/** Skills, config and presets are small hand-written files; anything bigger is a mistake, refused before parsing. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Aliases a document may expand; the yaml library's own default, named here so the error can say so. */
const MAX_ALIAS_COUNT = 100;

export function parseYaml<T = unknown>(file: string, text: string, validate?: ValidateFunction): LoadedYaml<T> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_YAML_BYTES) {
    throw new BadInputError(`the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB; portai reads YAML files of at most 1 MiB`, {
      place: { file },
      hint: 'check it is the file you meant; keep large data out of skill and config files (pass it as an input, e.g. --input-json @data.json)',
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const placeOf = (path: Array<string | number>) => positionOf(doc, lineCounter, path);
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const [line, column] = [position.line, position.col];
    throw new BadInputError(`YAML syntax error: ${firstLine(error.message)}`, {
      place: { file, line, column },
      hint: 'fix the YAML at that line (indentation, a missing colon, or an unquoted special character)',
    });
  }
  const value = toValue<T>(doc, file, lineCounter);
  if (validate && !validate(value ?? {})) {
    const error = pickError(validate.errors ?? []);
    throw schemaError(file, error, placeOf);
  }
  return { value, placeOf };
}

function toValue<T>(doc: Document, file: string, lineCounter: LineCounter): T {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as T;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // aliases that expand to millions of nodes (a "billion laughs" file), or an alias to an anchor that is not defined
    let offset: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0];
        return visit.BREAK;
      },
    });
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    throw new BadInputError(`YAML aliases: ${error.message}`, {
      place: { file, line: position?.line, column: position?.col },
      hint: `write the values out instead of repeating them with *aliases (at most ${MAX_ALIAS_COUNT} alias expansions per file)`,
    });
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function positionOf(doc: Document, lineCounter: LineCounter, path: Array<string | number>): { line?: number; column?: number } {
  // walk up until a node with a range is found
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      // for a map entry, point at the key rather than the value
      const keyOffset = depth > 0 ? keyOffsetOf(doc, path.slice(0, depth)) : undefined;
      const position = lineCounter.linePos(keyOffset ?? node.range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}

function keyOffsetOf(doc: Document, path: Array<string | number>): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (parent && typeof parent === 'object' && 'items' in parent && Array.isArray((parent as { items: unknown[] }).items)) {
    for (const item of (parent as { items: Array<{ key?: unknown }> }).items) {
      const key = item?.key;
      if (isNode(key) && 'value' in key && (key as { value: unknown }).value === last && key.range) return key.range[0];
    }
  }
  return undefined;
}

/** The most useful of ajv's errors: the deepest path, preferring concrete ones over oneOf/anyOf summaries. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const concrete = errors.filter((error) => !['oneOf', 'anyOf', 'if', 'not'].includes(error.keyword));
  const pool = concrete.length > 0 ? concrete : errors;
  return pool.reduce((best, error) => (pathOf(error).length > pathOf(best).length ? error : best), pool[0]);
}

function pathOf(error: ErrorObject): Array<string | number> {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  return parts;
}

export function fieldName(path: Array<string | number>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function schemaError(
  file: string,
  error: ErrorObject,
  placeOf: (path: Array<string | number>) => { line?: number; column?: number },
): BadInputError {
  const path = pathOf(error);
  const field = fieldName(path) || '(top level)';
  const place = { file, field, ...placeOf(path) };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return new BadInputError(`unknown field '${params.additionalProperty}'`, {
        place,
        hint: 'remove it or check its spelling against the documented fields in README.md',
      });
    case 'required':
      return new BadInputError(`missing required field '${params.missingProperty}'`, {
        place: { ...place, field: fieldName([...path, String(params.missingProperty)]) },
        hint: `add '${params.missingProperty}:' here`,
      });
    case 'type':
      return new BadInputError(`must be ${params.type}`, { place, hint: `give ${field} a value of type ${params.type}` });
    case 'enum':
      return new BadInputError(`must be one of: ${(params.allowedValues as unknown[]).join(', ')}`, { place, hint: 'use one of the values listed' });
    default:
      return new BadInputError(error.message ?? 'is not valid', { place, hint: 'see the file format in README.md' });
  }
}
