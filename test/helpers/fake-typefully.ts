// A loopback stand-in for the Typefully API v2 with its real paths, Bearer auth and response shapes
// (lists are `{results, next}`; drafts carry id, social_set_id, status, published_at, preview, ...).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSocialSet {
  id: number;
  username: string;
  name: string;
}

export interface FakeDraft {
  id: number;
  preview: string;
  published_at: string;
}

export interface SeenRequest {
  method: string;
  /** path with its query string, exactly as sent */
  url: string;
  authorization?: string;
}

export interface FakeTypefully {
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startFakeTypefully(options: { apiKey: string; socialSets: FakeSocialSet[]; drafts: Record<number, FakeDraft[]> }): Promise<FakeTypefully> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    // Typefully answers a missing or wrong key with 401 before looking at the path
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) return reply(401, { detail: 'Invalid API key' });
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method === 'GET' && url.pathname === '/v2/social-sets') {
      return reply(200, { results: options.socialSets, count: options.socialSets.length, next: null, previous: null });
    }
    const drafts = /^\/v2\/social-sets\/(\d+)\/drafts$/.exec(url.pathname);
    if (request.method === 'GET' && drafts) {
      const socialSetId = Number(drafts[1]);
      const own = options.drafts[socialSetId];
      if (!own) return reply(404, { detail: 'Not found.' });
      const limit = Number(url.searchParams.get('limit') ?? '10');
      const published = [...own].sort((a, b) => b.published_at.localeCompare(a.published_at)).slice(0, limit);
      return reply(200, {
        results: published.map((draft) => ({
          ...draft,
          social_set_id: socialSetId,
          status: 'published',
          share_url: null,
          private_url: `https://typefully.com/?d=${draft.id}`,
          x_published_url: `https://x.com/${socialSetId}/status/${draft.id}`,
        })),
        count: own.length,
        next: null,
        previous: null,
      });
    }
    return reply(404, { detail: 'Not found.' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
