// Config loading and provider presets: find, load, validate, merge; keys from the environment.
export { findConfigFile } from './find-config-file.js';
export { loadConfig } from './load-config.js';
export { loadPresets } from './load-presets.js';
export { packageRoot } from './package-root.js';
export { apiKeyOf } from './api-key.js';
export { defaultConfigYaml } from './starter-yaml.js';
export { defaultCalendarFile } from './default-calendar.js';
