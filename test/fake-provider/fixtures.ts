// Recorded real error answers, kept as JSON in test/fixtures/errors.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fixture } from './types.js';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'errors');

export function loadFixture(name: string): Fixture {
  const file = path.join(fixturesDir, `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`no fixture ${name} in ${fixturesDir}`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
}

export function fixtureNames(): string[] {
  return fs
    .readdirSync(fixturesDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}
