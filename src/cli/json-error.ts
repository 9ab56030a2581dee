// Under --json a failure is one JSON object on stdout too, so a script can parse every outcome (DESIGN.md):
// {"error": {"kind", "message", "hint", "file", "line"}}. The human lines still go to stderr.
import { PortaiError, EXIT } from '../errors.js';

export type JsonErrorKind = 'usage' | 'bad_input' | 'blocked' | 'failed' | 'interrupted' | 'internal';

const KIND_OF_EXIT: Record<number, JsonErrorKind> = { [EXIT.bad_input]: 'bad_input', [EXIT.blocked]: 'blocked', [EXIT.failed]: 'failed' };

export function jsonError(error: unknown, kind?: JsonErrorKind) {
  if (error instanceof PortaiError) {
    return {
      error: { kind: kind ?? KIND_OF_EXIT[error.exitCode] ?? 'failed', message: error.message, hint: error.hint ?? null, file: error.place?.file ?? null, line: error.place?.line ?? null },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: { kind: kind ?? 'internal', message, hint: kind ? 'run with --help for usage' : 'run again with --debug for details, and report it if it persists', file: null, line: null } };
}

export function printJsonError(error: unknown, kind?: JsonErrorKind): void {
  process.stdout.write(`${JSON.stringify(jsonError(error, kind), null, 2)}\n`);
}
