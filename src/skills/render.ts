// Strict rendering on a private Handlebars instance: no HTML escaping, only our helpers, and a
// missing variable is an error naming it, the file and the field — never an empty string.
import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import type { TemplateDelegate } from 'handlebars';
import { BadInputError, PortaiError } from '../errors.js';
import { helpers } from './helpers.js';

// the package's one-file build of the same version: one module to load instead of ~45 (lib/ and source-map),
// which is most of what a dry run's start-up spent on templates
const Handlebars = createRequire(import.meta.url)('handlebars/dist/handlebars.js') as typeof HandlebarsModule;
const handlebars = Handlebars.create();
for (const [name, helper] of Object.entries(helpers)) handlebars.registerHelper(name, helper);

const COMPILE_OPTIONS = {
  noEscape: true,
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
};

interface Compiled {
  ast: hbs.AST.Program;
  render: TemplateDelegate;
}

/**
 * Handlebars' defaults since 4.6, stated so they stay: a template never resolves a property that is not the
 * value's own (constructor, __proto__, toString…). The static check refuses such names before a run starts;
 * this is the second wall for names that arrive at run time (a lookup key from an input).
 */
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

const cache = new Map<string, Compiled>();

export interface RenderPlace {
  file: string;
  field: string;
}

/** Parses a template to its AST; a syntax error becomes a BadInputError at that place. */
export function parseTemplate(template: string, where: RenderPlace): hbs.AST.Program {
  return compiled(template, where).ast;
}

export function renderTemplate(template: string, context: object, where: RenderPlace): string {
  const { ast, render } = compiled(template, where);
  try {
    return render(context, RUNTIME_OPTIONS);
  } catch (error) {
    throw renderError(error, ast, context, where);
  }
}

function compiled(template: string, where: RenderPlace): Compiled {
  const known = cache.get(template);
  if (known) return known;
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(template);
  } catch (error) {
    const detail = String((error as Error).message).split('\n');
    throw new BadInputError(`template syntax error: ${detail[0]}${detail[3] ? ` — ${detail[3]}` : ''}`, {
      place: { file: where.file, field: where.field },
      hint: 'check the {{ }} pairs and block tags ({{#each}} … {{/each}}) of this template',
    });
  }
  const entry = { ast, render: handlebars.compile(ast, COMPILE_OPTIONS) };
  cache.set(template, entry);
  return entry;
}

function renderError(error: unknown, ast: hbs.AST.Program, context: object, where: RenderPlace): PortaiError {
  const place = { file: where.file, field: where.field };
  if (error instanceof PortaiError) return new BadInputError(error.message, { place, hint: error.hint });
  const message = String((error as Error)?.message ?? error);
  const located = error as { lineNumber?: number; column?: number };
  // Handlebars strict mode: `"name" not defined in …`, with the path's position in the template
  if (/ not defined in /.test(message)) {
    const path = located.lineNumber ? pathAt(ast, located.lineNumber, located.column ?? 0) : undefined;
    const found = path ? textOnPath(path.split('.'), context) : undefined;
    if (path && found) return notAnObject(path, found, place);
    const name = path ?? message.match(/^"([^"]+)"/)?.[1] ?? 'a variable';
    return missing(name, place);
  }
  // strict lookup of {{steps.first.title}} when steps.first is a string: `'title' in "…"` is a TypeError
  const searched = message.match(/Cannot use 'in' operator to search for '([^']+)' in /)?.[1];
  if (searched) {
    for (const path of pathsOf(ast)) {
      const found = !path.data && path.depth === 0 && path.parts.includes(searched) ? textOnPath(path.parts, context) : undefined;
      if (found) return notAnObject(path.original, found, place);
    }
    return new BadInputError(`template reads '${searched}' from text, not from an object`, { place, hint: `use the text as a whole, or make the value it comes from JSON (a \`schema:\` on an LLM step)` });
  }
  // a helper argument like steps.fetch.results when steps.fetch is null reaches JavaScript as a TypeError
  const property = message.match(/Cannot read properties of (?:null|undefined) \(reading '([^']+)'\)/)?.[1];
  if (property) return missing(pathThrough(ast, context, property) ?? `….${property}`, place);
  if (/unknown helper/.test(message)) {
    return new BadInputError(message.replace(/ - \d+:\d+$/, ''), { place, hint: `use one of the helpers: ${Object.keys(helpers).join(', ')}, if, unless, each, with` });
  }
  return new BadInputError(`template failed: ${message}`, { place });
}

function missing(name: string, place: { file: string; field: string }): BadInputError {
  return new BadInputError(`template variable '${name}' is not defined`, {
    place,
    hint: `give a value for '${name.split('.')[0]}', or write {{default ${name} "…"}} where it may be empty`,
  });
}

interface NonObject {
  /** the leading part of the path, e.g. steps.first */
  name: string;
  /** what it is instead: text, a number, … */
  kind: string;
}

/** The leading part of a root path whose value is text (or another non-object) with more of the path after it. */
function textOnPath(parts: string[], context: object): NonObject | undefined {
  let value: unknown = context;
  for (const [index, part] of parts.entries()) {
    if (value == null) return undefined;
    if (typeof value !== 'object') return { name: parts.slice(0, index).join('.'), kind: typeof value === 'string' ? 'text' : `a ${typeof value}` };
    value = (value as Record<string, unknown>)[part];
  }
  return undefined;
}

function notAnObject(variable: string, found: NonObject, place: { file: string; field: string }): BadInputError {
  const [root, step, ...rest] = found.name.split('.');
  const hint =
    root !== 'steps' || step === undefined
      ? `use {{${found.name}}} as a whole, or give an object for it`
      : rest.length === 0
        ? `give step ${step} a \`schema:\` of type object so its output is a JSON object, or use {{${found.name}}}`
        : `use {{${found.name}}} as a whole, or change step ${step}'s \`schema:\` so ${rest.join('.')} is an object`;
  return new BadInputError(`template variable '${variable}': ${found.name} is ${found.kind}, not an object`, { place, hint });
}

/** Every path expression of the template, in order. */
function pathsOf(ast: hbs.AST.Program): hbs.AST.PathExpression[] {
  const found: hbs.AST.PathExpression[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if ((node as { type?: string }).type === 'PathExpression') found.push(node as hbs.AST.PathExpression);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && value !== (node as { loc?: unknown }).loc) visit(value);
    }
  };
  visit(ast);
  return found;
}

function pathAt(ast: hbs.AST.Program, line: number, column: number): string | undefined {
  return pathsOf(ast).find((path) => path.loc.start.line === line && path.loc.start.column === column)?.original;
}

/** The first root path through `property` whose value before it is null or undefined. */
function pathThrough(ast: hbs.AST.Program, context: object, property: string): string | undefined {
  for (const path of pathsOf(ast)) {
    const index = path.parts.indexOf(property);
    if (index < 1 || path.data || path.depth > 0) continue;
    let value: unknown = context;
    for (const part of path.parts.slice(0, index)) value = value == null ? value : (value as Record<string, unknown>)[part];
    if (value == null) return path.parts.slice(0, index + 1).join('.');
  }
  return undefined;
}
