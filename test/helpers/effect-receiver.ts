// A loopback webhook receiver that dedupes by Idempotency-Key, the way Stripe-style receivers do: it records
// every copy it is sent, acts on the first copy of each key only, and can answer slowly or with scripted statuses.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCopy {
  path: string;
  method: string;
  key: string | null;
  body: string;
  at_ms: number;
}

export interface EffectReceiver {
  origin: string;
  /** every request, in arrival order (copies included) */
  copies: ReceivedCopy[];
  /** requests read but not yet answered: a kill now lands while the request is in flight */
  inFlight(path?: string): number;
  /** the effects acted on after dedupe: the first copy of each key (keyless copies each count) */
  effects(path?: string): ReceivedCopy[];
  /** answer the next requests with these statuses (0: drop the connection unanswered), then 200 */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startEffectReceiver(options: { delay_ms?: number } = {}): Promise<EffectReceiver> {
  const copies: ReceivedCopy[] = [];
  const pending = new Map<http.ServerResponse, string>();
  let statuses: number[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const key = request.headers['idempotency-key'];
      const path = (request.url ?? '/').split('?')[0];
      copies.push({ path, method: request.method ?? '', key: typeof key === 'string' ? key : null, body, at_ms: Date.now() });
      const status = statuses.shift() ?? 200;
      // 0: read the request, then drop the connection without an answer (a reset after the receiver got it)
      if (status === 0) return request.socket.destroy();
      pending.set(response, path);
      // the sender died: the request is no longer in flight, whatever the timer below still does
      response.on('close', () => pending.delete(response));
      setTimeout(() => {
        pending.delete(response);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ received: copies.length, status }));
      }, options.delay_ms ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const filtered = (path?: string) => copies.filter((copy) => path === undefined || copy.path === path);
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    copies,
    inFlight: (path) => [...pending.values()].filter((seen) => path === undefined || seen === path).length,
    effects(path) {
      const seen = new Set<string>();
      return filtered(path).filter((copy) => {
        if (copy.key === null) return true;
        if (seen.has(copy.key)) return false;
        seen.add(copy.key);
        return true;
      });
    },
    script: (...next) => {
      statuses = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
