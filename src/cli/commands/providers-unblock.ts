// portai providers unblock <name> — clear a cost alarm (and any other block) on a provider entry
import { BadInputError } from '../../errors.js';
import { loadConfigFor, openLedgerFor, type GlobalOptions } from '../context.js';

export default async function providersUnblock(globals: GlobalOptions, name: string): Promise<number> {
  const config = await loadConfigFor(globals);
  if (!config.providers[name]) {
    throw new BadInputError(`no provider named ${name} in the config`, { hint: `known: ${Object.keys(config.providers).join(', ') || '(none)'}` });
  }
  const ledger = await openLedgerFor();
  try {
    const cleared = ledger.clearBlocks(name);
    process.stdout.write(cleared > 0 ? `cleared ${cleared} block${cleared > 1 ? 's' : ''} on ${name}\n` : `${name} had no blocks\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
