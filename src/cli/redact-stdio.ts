// Everything the CLI prints passes through the one redactor (src/redact.ts): errors (handle.ts), --json,
// runs show, progress, the worker's and serve's log lines. Guarding the two streams rather than each print
// call means no command can forget it. A secret split across two writes passes unseen: only `run --stream`
// on a terminal writes deltas (on a pipe it writes the final answer once); the ledger and serve redact on
// their own side.
import { redact } from '../redact.js';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

export function redactWrites(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as Write;
  const guarded: Write = (chunk, ...rest) => write(redactChunk(chunk), ...rest);
  stream.write = guarded as typeof stream.write;
}

function redactChunk(chunk: unknown): unknown {
  if (typeof chunk === 'string') return redact(chunk);
  if (chunk instanceof Uint8Array) {
    const text = Buffer.from(chunk).toString('utf8');
    const redacted = redact(text);
    return redacted === text ? chunk : Buffer.from(redacted, 'utf8');
  }
  return chunk;
}

