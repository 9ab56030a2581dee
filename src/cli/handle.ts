// Map whatever a command throws to the user's one or two lines and an exit code (DESIGN.md).
import { PortaiError, EXIT } from '../errors.js';
import { printJsonError } from './json-error.js';

export function reportError(error: unknown, debug: boolean, json = false): number {
  if (json) printJsonError(error);
  if (error instanceof PortaiError) {
    for (const line of error.userLines()) process.stderr.write(`portai: ${line}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`portai: internal error: ${message}\n`);
  process.stderr.write(debug && error instanceof Error && error.stack ? `${error.stack}\n` : '  run again with --debug for details, and report it if it persists\n');
  return EXIT.failed;
}
