// `portai doctor`: findings about keys, endpoints, quotas, risky config, skills and the catalog.
export { runDoctor } from './run-doctor.js';
export type { DoctorOptions } from './run-doctor.js';
export { formatFindings, doctorExitCode } from './finding.js';
export type { Finding } from './finding.js';
export { configFindings, meteredRouteFindings, freeOpenRouterFindings, caveatFindings } from './check-config.js';
export { catalogFindings, STALE_CATALOG_DAYS } from './check-catalog.js';
export { skillFindings, privacyFindings } from './check-skills.js';
export { privacyRouteFindings } from './check-privacy.js';
export { describeKey } from './check-openrouter-key.js';
export { describeQuota, quotaUrlFor } from './check-zai-quota.js';
export { probeUrl } from './check-endpoint.js';
