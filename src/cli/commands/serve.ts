// portai serve [--port N] [--host H] [--print-env claude|hermes|codex|opencode]
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, type GlobalOptions } from '../context.js';
import { ledgerHome } from '../../ledger/home.js';
import { CLIENT_KINDS, type ClientKind } from '../../serve/print-env.js';

export default async function serve(globals: GlobalOptions, options: { port?: string; host?: string; printEnv?: string }): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new BadInputError(`--port ${options.port}: expected a port number from 0 to 65535`, { hint: 'e.g. --port 8787' });
  }
  if (options.printEnv !== undefined && !CLIENT_KINDS.includes(options.printEnv as ClientKind)) {
    throw new BadInputError(`--print-env ${options.printEnv}: expected claude, hermes, codex or opencode`, { hint: 'e.g. portai serve --print-env claude' });
  }
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  const { serveCommand } = await import('../../serve/index.js');
  // route patterns (openrouter/*:free) admit the free models of the catalog synced before serve started
  const { withCatalogModels } = await import('../../catalog/admit.js');
  const server = await serveCommand({ config: withCatalogModels(config, ledger), ledger, home: ledgerHome(), env: process.env, port, host: options.host, printEnv: options.printEnv as ClientKind | undefined });
  if (!server) {
    ledger.close();
    return 0;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  ledger.close();
  return 0;
}
