// `portai dashboard`: a read-only web page over the ledger on loopback, behind serve's token, Host and Origin rules.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { isLoopbackHost, loadOrCreateToken } from '../serve/auth.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../serve/connection-limits.js';
import { listenError } from '../serve/listen-error.js';
import { handleDashboard } from './handler.js';

export const DEFAULT_DASHBOARD_PORT = 8788;

export interface DashboardOptions {
  config: Config;
  ledger: Ledger;
  /** $PORTAI_HOME: where serve-token lives */
  home: string;
  env: Record<string, string | undefined>;
  /** 0: any free port */
  port: number;
  host?: string;
  log?: (line: string) => void;
  clock?: () => number;
}

export interface RunningDashboard {
  /** origin, e.g. http://127.0.0.1:8788 */
  url: string;
  /** the link to open once: it carries the token, which the page trades for a cookie */
  link: string;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!isLoopbackHost(host)) log(`warning: portai dashboard is listening on ${host}, not loopback: anyone who can reach it and holds the token reads your ledger`);
  const token = loadOrCreateToken(options.home);
  let port = 0;
  const limits = DEFAULT_CONNECTION_LIMITS;
  const mount = { config: options.config, ledger: options.ledger, env: options.env, clock: options.clock ?? Date.now, token, base: '', port: () => port, host };
  const server = http.createServer({ connectionsCheckingInterval: limits.checkIntervalMs }, (request, response) => {
    handleDashboard(request, response, mount).catch((error: unknown) => {
      log(`portai dashboard: ${(error as Error)?.message ?? String(error)}`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      if (!response.writableEnded) response.end('portai dashboard failed on this request; see its log\n');
    });
  });
  applyConnectionLimits(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, host, options.port, 'portai dashboard')));
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    link: `${url}/?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
