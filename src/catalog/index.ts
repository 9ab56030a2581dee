// The model catalog: sync, compare, status for the router's catalog guard, listing.
export { syncCatalog, providersToSync } from './sync.js';
export type { SyncOptions } from './sync.js';
export { catalogStatus } from './status.js';
export { listModels } from './list.js';
export type { ListOptions } from './list.js';
export { compareCatalog, EXPIRY_WARNING_DAYS } from './compare.js';
export { configuredModels } from './configured.js';
export { normaliseCatalog, perMillion, isFreeRow, isPricedRow } from './normalise.js';
export { fetchJson, openAiBase, statusEndpoint, STATUS_TIMEOUTS } from './fetch-json.js';
export { formatSyncReports, formatModelList } from './format.js';
export type * from './types.js';
