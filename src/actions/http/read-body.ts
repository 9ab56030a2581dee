// Read a response body up to a size cap, so one huge answer cannot fill memory or the ledger.
import type { Readable } from 'node:stream';

export const BODY_CAP_BYTES = 1024 * 1024;

export interface CappedBody {
  text: string;
  truncated: boolean;
}

export async function readCappedBody(body: Readable & AsyncIterable<Buffer>, contentType: string, capBytes = BODY_CAP_BYTES): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    if (size + chunk.length > capBytes) {
      chunks.push(chunk.subarray(0, capBytes - size));
      truncated = true;
      break; // leaving the loop destroys the stream: the rest is never downloaded
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: decoderFor(contentType).decode(Buffer.concat(chunks)), truncated };
}

function decoderFor(contentType: string): TextDecoder {
  const charset = /charset="?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8');
  }
}
