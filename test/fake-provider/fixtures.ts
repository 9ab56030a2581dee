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

/** A recorded shape of Z.AI's quota endpoint answer: test/fixtures/zai-quota/<name>.json, its `body`. */
export function loadQuotaFixture(name: string): Record<string, unknown> {
  const file = path.join(fixturesDir, '..', 'zai-quota', `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { body: Record<string, unknown> }).body;
}
