// ULID ids, monotonic: two ids made in the same millisecond still sort in creation order (the queue is FIFO by id).
// ulidx's default random source makes one crypto call per character; a pooled source makes the
// same uniform characters (256 is a multiple of the 32-letter alphabet) at a fraction of the cost.
import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

let pool = randomBytes(0);
let offset = 0;

function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++] / 256;
}

const next = monotonicFactory(pooledRandom);

export function newId(now_ms: number = Date.now()): string {
  return next(now_ms);
}
