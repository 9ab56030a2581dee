// The `portai serve` command body: the CLI loads config and ledger and passes them in; this starts the server,
// or with --print-env only prints the client settings for the port the server will use.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { loadOrCreateToken } from './auth.js';
import { printEnv, type ClientKind } from './print-env.js';
import { startServe, type RunningServer } from './server.js';

/** A fixed default, so the settings printed once for Claude Code or Hermes stay valid across restarts. */
export const DEFAULT_SERVE_PORT = 8787;

export interface ServeCommandOptions {
  config: Config;
  ledger: Ledger;
  home: string;
  env: Record<string, string | undefined>;
  port?: number;
  host?: string;
  printEnv?: ClientKind;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** Returns the running server, or null when it only printed settings. */
export async function serveCommand(options: ServeCommandOptions): Promise<RunningServer | null> {
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const port = options.port ?? DEFAULT_SERVE_PORT;
  if (options.printEnv) {
    const host = options.host ?? '127.0.0.1';
    stdout(printEnv(options.printEnv, `http://${host.includes(':') ? `[${host}]` : host}:${port}`, loadOrCreateToken(options.home), options.config.serve.models));
    return null;
  }
  const server = await startServe({
    config: options.config,
    ledger: options.ledger,
    port,
    host: options.host,
    home: options.home,
    env: options.env,
    log: (line) => stderr(`${line}\n`),
  });
  const aliases = Object.keys(options.config.serve.models);
  stderr(`portai serve listening on ${server.url} (OpenAI: ${server.url}/v1, Anthropic: ${server.url})\n`);
  stderr(`models: ${aliases.length ? aliases.join(', ') : 'none — add serve.models to your config'}; client settings: portai serve --print-env claude|hermes|codex|opencode\n`);
  return server;
}
