// The ledger file or its folder cannot be used: bad input (exit 2) naming the path and the fix, never an
// "internal error". SQLite reports by result code, the file system by errno code.
import path from 'node:path';
import { BadInputError } from '../errors.js';

export function ledgerFileProblem(error: unknown, file: string): BadInputError | undefined {
  const code = String((error as { code?: unknown })?.code ?? '');
  const reason = error instanceof Error ? error.message : String(error);
  const dir = path.dirname(file);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new BadInputError(`not a portai ledger, or it is damaged (SQLite: ${reason})`, {
      place: { file },
      cause: error,
      hint: `move it aside (mv '${file}' '${file}.broken') and portai starts a fresh ledger; to rescue its history try: sqlite3 '${file}.broken' .recover`,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || ['EACCES', 'EPERM', 'EROFS'].includes(code)) {
    return new BadInputError(`cannot write the ledger here (${code}: ${reason})`, {
      place: { file },
      cause: error,
      hint: `make the folder and the file writable (chmod u+w '${dir}' '${file}'), or set PORTAI_HOME to a folder you can write`,
    });
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new BadInputError(`the state folder (PORTAI_HOME) is not a folder (${code})`, {
      place: { file: dir },
      cause: error,
      hint: `set PORTAI_HOME to a folder, or move the file that is in the way`,
    });
  }
  return undefined;
}

/** A valid SQLite file that holds another program's tables: portai must not add its own to it. */
export function foreignLedger(file: string, tables: string[]): BadInputError {
  const shown = tables.length > 5 ? `${tables.slice(0, 5).join(', ')}, …` : tables.join(', ');
  return new BadInputError(`this is not a portai ledger: a SQLite database with other tables (${shown}) and no portai migrations`, {
    place: { file },
    hint: `move it away (mv '${file}' '${file}.other') and portai starts a fresh ledger, or set PORTAI_HOME to another folder`,
  });
}
