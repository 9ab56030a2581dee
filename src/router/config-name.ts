// The config file named in fix-it hints; the built-in default has no file, so point at `portai init`.
import type { Config } from '../types.js';

export function configName(config: Config): string {
  return config.file ?? 'portai.yaml (run `portai init` to write one)';
}
