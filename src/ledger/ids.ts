// ULID ids, monotonic: two ids made in the same millisecond still sort in creation order (the queue is FIFO by id).
// ulidx's default random source makes one crypto call per character; a pooled source makes the
// same uniform characters (256 is a multiple of the 32-letter alphabet) at a fraction of the cost.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

let pool = randomBytes(0);
let offset = 0;

function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++] / 256;
}

let next: ((now_ms: number) => string) | undefined;

export function newId(now_ms: number = Date.now()): string {
  // loaded with the first id, as CommonJS: that build is one file, where the ES one brings six more of its
  // dependency's; a command that writes nothing (a dry run, a report) never loads it
  next ??= (createRequire(import.meta.url)('ulidx') as typeof import('ulidx')).monotonicFactory(pooledRandom);
  return next(now_ms);
}
