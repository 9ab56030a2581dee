// Server-sent events over a response body, with eventsource-parser. Comments such as OpenRouter's
// ": OPENROUTER PROCESSING" keep-alives are dropped by the parser.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ResponseBody } from './http.js';

/**
 * Calls handle for each event in order. handle returns true to stop reading (the stream's own end
 * marker). Resolves true when handle stopped it, false when the body ended first.
 */
export async function readEvents(body: ResponseBody, handle: (event: EventSourceMessage) => boolean): Promise<boolean> {
  // Events are queued and handled after feed() returns, so an error thrown by handle leaves the
  // parser in a sane state and propagates to the caller.
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) {
      if (handle(pending.shift()!)) return true;
    }
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  while (pending.length > 0) {
    if (handle(pending.shift()!)) return true;
  }
  return false;
}
