// `portai dashboard`: the local read-only web page over the ledger (also mounted by `portai serve` at /dashboard).
export { startDashboard, DEFAULT_DASHBOARD_PORT, type DashboardOptions, type RunningDashboard } from './server.js';
export { handleDashboard, isDashboardPath, type DashboardMount } from './handler.js';
export { openBrowser } from './open-browser.js';
