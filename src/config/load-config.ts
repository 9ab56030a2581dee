// Load the config that applies (see findConfigFile), validate it once, and merge it over the presets.
// Past this point the Config is trusted.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../errors.js';
import { rememberSecrets, secretsOfConfig } from '../redact.js';
import { parseYaml } from '../load-yaml.js';
import type { Config } from '../types.js';
import { builtInDefault } from './built-in-default.js';
import { findConfigFile, homeOf, type FindConfigOptions } from './find-config-file.js';
import { presetShelf, shippedPresetsDir, userPresetsDir } from './load-presets.js';
import type { RawConfig } from './raw-config.js';
import { resolveConfig } from './resolve-config.js';
import { configValidator } from './schemas.js';

export function loadConfig(options: FindConfigOptions): Config {
  const config = loadResolved(options);
  // every key the config names is redacted from every writer, not only the key of the provider that answers
  rememberSecrets(secretsOfConfig(config, options.env));
  return config;
}

function loadResolved(options: FindConfigOptions): Config {
  const presets = presetShelf([shippedPresetsDir(), userPresetsDir(homeOf(options.env))]);
  const file = findConfigFile(options);
  if (file === null) return builtInDefault(options.env, options.cwd, presets);
  const text = readText(file);
  const loaded = parseYaml<RawConfig | null>(file, text, configValidator());
  return resolveConfig(loaded.value ?? {}, presets, {
    file,
    baseDir: path.dirname(file),
    placeOf: loaded.placeOf,
    env: options.env,
  });
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new BadInputError(`cannot read config file (${reason})`, { place: { file }, hint: 'check the file exists and is readable' });
  }
}
