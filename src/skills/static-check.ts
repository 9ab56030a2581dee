// Before anything is sent, every template of a skill is parsed and each variable it names must exist:
// an input, now, today, a declared env.NAME, or steps.<id> of an earlier step (a field of it only when that
// step's output can be an object: a text step's cannot).
import { BadInputError } from '../errors.js';
import { fieldName, parseYaml } from '../load-yaml.js';
import type { Skill } from '../types.js';
import { HELPER_NAMES } from './helpers.js';
import { parseTemplate } from './render.js';
import { isUnsafeName } from './unsafe-names.js';

type FieldPath = Array<string | number>;
export type PlaceOf = (path: FieldPath) => { line?: number; column?: number };

interface Scope {
  inputs: ReadonlySet<string>;
  env: ReadonlySet<string> | null;
  /** ids of the steps before this one; null where steps are not visible (input defaults) */
  earlier: string[] | null;
  later: string[];
  /** earlier LLM steps without a schema: their output is text, so steps.<id>.<field> can never be read */
  textSteps: ReadonlySet<string>;
  /** what the error calls the template's owner, e.g. "step 'save'" or "input 'title'" */
  owner: string;
}

interface Template {
  text: string;
  path: FieldPath;
  scope: Scope;
}

const CONTEXT_BLOCKS = new Set(['each', 'with']);

export function staticCheck(skill: Skill, placeOf?: PlaceOf): void {
  const locate = placeOf ?? parseYaml(skill.file, skill.source).placeOf;
  for (const template of templatesOf(skill)) {
    const field = fieldName(template.path);
    const fail = (message: string, hint: string, templateLine = 1): never => {
      const suffix = templateLine > 1 ? ` (line ${templateLine} of the template)` : '';
      throw new BadInputError(`${template.scope.owner}: ${message}${suffix}`, { place: { file: skill.file, field, ...locate(template.path) }, hint });
    };
    const ast = parseTemplate(template.text, { file: skill.file, field });
    visitProgram(ast, 0, template.scope, fail);
  }
}

function* templatesOf(skill: Skill): Generator<Template> {
  const inputs = new Set(Object.keys(skill.inputs));
  const env = new Set(skill.env);
  for (const [name, property] of Object.entries(skill.inputs)) {
    if (typeof property.default === 'string') {
      yield { text: property.default, path: ['inputs', name, 'default'], scope: { inputs, env: null, earlier: null, later: [], textSteps: new Set(), owner: `input '${name}'` } };
    }
  }
  const ids = skill.steps.map((step) => step.id);
  const textSteps = new Set(skill.steps.filter((step) => step.kind === 'llm' && !step.schema).map((step) => step.id));
  for (const [index, step] of skill.steps.entries()) {
    const scope: Scope = { inputs, env, earlier: ids.slice(0, index), later: ids.slice(index), textSteps, owner: `step '${step.id}'` };
    if (step.when !== undefined) yield { text: step.when, path: ['steps', index, 'when'], scope };
    if (step.kind === 'llm') {
      yield { text: step.prompt, path: ['steps', index, 'prompt'], scope };
      if (step.system !== undefined) yield { text: step.system, path: ['steps', index, 'system'], scope };
    } else {
      yield* stringsIn(step.spec, ['steps', index, step.action], scope);
    }
  }
}

function* stringsIn(value: unknown, path: FieldPath, scope: Scope): Generator<Template> {
  if (typeof value === 'string') yield { text: value, path, scope };
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* stringsIn(item, [...path, index], scope);
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key], scope);
}

type Fail = (message: string, hint: string, templateLine?: number) => never;
type Node = hbs.AST.Node & Record<string, unknown>;

function visitProgram(program: hbs.AST.Program | undefined, depth: number, scope: Scope, fail: Fail): void {
  for (const statement of program?.body ?? []) visitNode(statement as Node, depth, scope, fail);
}

function visitNode(node: Node, depth: number, scope: Scope, fail: Fail): void {
  switch (node.type) {
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement':
      return visitCall(node as unknown as hbs.AST.BlockStatement, depth, scope, fail);
    case 'PathExpression':
      return checkPath(node as unknown as hbs.AST.PathExpression, depth, scope, fail);
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator':
      return fail('partials and decorators are not supported', 'inline the text instead', node.loc.start.line);
    default:
      return; // content, comments and literals name no variable
  }
}

/** A mustache, block or sub-expression: a helper call, or a variable (a block on a variable is a section). */
function visitCall(node: hbs.AST.BlockStatement, depth: number, scope: Scope, fail: Fail): void {
  const head = node.path as hbs.AST.PathExpression;
  const params = node.params ?? [];
  const pairs = node.hash?.pairs ?? [];
  const isBlock = node.type === 'BlockStatement';
  const simpleName = head.type === 'PathExpression' && !head.data && head.depth === 0 && head.parts.length === 1 ? head.parts[0] : undefined;
  const isHelper = simpleName !== undefined && HELPER_NAMES.has(simpleName) && (params.length > 0 || pairs.length > 0 || isBlock);
  if (!isHelper && (params.length > 0 || pairs.length > 0)) {
    fail(`unknown helper '${head.original}'`, `use one of the helpers: ${[...HELPER_NAMES].join(', ')}`, node.loc.start.line);
  }
  if (simpleName === 'lookup') for (const param of params) checkLookupKey(param, fail);
  if (!isHelper) visitNode(head as unknown as Node, depth, scope, fail);
  for (const param of params) visitNode(param as unknown as Node, depth, scope, fail);
  for (const pair of pairs) visitNode(pair.value as unknown as Node, depth, scope, fail);
  if (!isBlock) return;
  // each/with (and a section on a variable) change what bare names mean inside the block
  const changesContext = !isHelper || CONTEXT_BLOCKS.has(simpleName ?? '');
  visitProgram(node.program, changesContext ? depth + 1 : depth, scope, fail);
  visitProgram(node.inverse, depth, scope, fail);
}

function checkPath(path: hbs.AST.PathExpression, depth: number, scope: Scope, fail: Fail): void {
  const line = path.loc.start.line;
  // before any scope rule, for every path (relative ones inside #each and @root ones too)
  const unsafe = path.parts.find(isUnsafeName);
  if (unsafe !== undefined) fail(`template variable '${path.original}' reaches '${unsafe}', which every JavaScript object has: it is not data`, UNSAFE_HINT, line);
  if (path.data) {
    if (path.parts[0] === 'root') checkRootName(path.parts.slice(1), path.original, scope, fail, line);
    return; // @index, @key, @first, @last
  }
  if (depth > 0 && path.depth < depth) return; // relative to the current item of an #each / #with
  if (path.parts.length === 0) {
    fail(`'{{${path.original}}}' at the top level names the whole context`, 'name a variable instead', line);
  }
  checkRootName(path.parts, path.original, scope, fail, line);
}

function checkRootName(parts: string[], original: string, scope: Scope, fail: Fail, line: number): void {
  const [name, second] = parts;
  if (scope.inputs.has(name)) return;
  if ((name === 'now' || name === 'today') && parts.length === 1) return;
  if (name === 'env' && scope.env) {
    if (second === undefined) fail(`'{{${original}}}' must name a variable: env.NAME`, 'write {{env.NAME}} with NAME listed under env:', line);
    if (!scope.env.has(second)) fail(`env.${second} is not declared`, `add ${second} to the skill's env: list (env: [${[...scope.env, second].join(', ')}])`, line);
    return;
  }
  if (name === 'steps' && scope.earlier) {
    if (second === undefined) fail(`'{{${original}}}' must name a step: steps.<id>`, `one of: ${listOr(scope.earlier.map((id) => `steps.${id}`))}`, line);
    if (scope.earlier.includes(second)) {
      if (parts.length > 2 && scope.textSteps.has(second)) {
        fail(`steps.${second} is text, not an object, so '{{${original}}}' cannot be read (step ${second} has no schema:)`, `give step ${second} a \`schema:\` so its output is JSON, or use {{steps.${second}}}`, line);
      }
      return;
    }
    if (scope.later.includes(second)) {
      fail(`uses steps.${second}, but step '${second}' has not run yet at this point`, `move step '${second}' before this one, or use an earlier step's output`, line);
    }
    fail(`no step '${second}' before this one (steps.${second})`, `earlier steps: ${listOr(scope.earlier)}`, line);
  }
  const known = [...scope.inputs, 'now', 'today', ...(scope.env ? [...scope.env].map((variable) => `env.${variable}`) : []), ...(scope.earlier ?? []).map((id) => `steps.${id}`)];
  fail(`unknown template variable '${original}'`, `declare it under inputs:, or use one of: ${known.join(', ')}`, line);
}

const UNSAFE_HINT = 'templates read only inputs, now, today, env.NAME and steps.<id> values; remove this part of the path';

/** `{{lookup x "constructor"}}` names the property in a literal, where no path check sees it. */
function checkLookupKey(param: hbs.AST.Expression, fail: Fail): void {
  const literal = param as hbs.AST.StringLiteral;
  if ((literal.type === 'StringLiteral' || literal.type === 'NumberLiteral') && isUnsafeName(String(literal.value))) {
    fail(`lookup of '${literal.value}', which every JavaScript object has: it is not data`, UNSAFE_HINT, literal.loc.start.line);
  }
}

function listOr(items: string[]): string {
  return items.length > 0 ? items.join(', ') : '(none)';
}
