// Where the package's own data lives (providers/, schemas/, skills/). This file sits at
// src/config/ under vitest and at dist/config/ when built, so the root is two levels up either way.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}
