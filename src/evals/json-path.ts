// A minimal JSON path reader: $, .name, ['name'] and [index]. No filters or scripts — a path in a skill
// file is data, never code. No JSONPath library is installed, and this is all the assertions need.
export type PathPart = string | number;

/** The parts of a path, or null when it is not of the supported form. */
export function parseJsonPath(path: string): PathPart[] | null {
  if (!path.startsWith('$')) return null;
  const parts: PathPart[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let index = 1;
  while (index < path.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (!match) return null;
    if (match[1] !== undefined) parts.push(match[1]);
    else if (match[2] !== undefined) parts.push(Number(match[2]));
    else parts.push((match[3] ?? match[4]).replace(/\\(.)/g, '$1'));
    index = pattern.lastIndex;
  }
  return parts;
}

/** The value at the path; `found: false` when a part is missing. */
export function readJsonPath(value: unknown, parts: PathPart[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(current) || part >= current.length) return { found: false };
      current = current[part];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, part)) return { found: false };
      current = (current as Record<string, unknown>)[part];
    }
  }
  return { found: true, value: current };
}
