// OpenRouter's official OpenAPI description. The project's shared copy (../shared/reference) wins when it is
// there — it is the one kept current; test/reference holds a copy so a clone anywhere can run the tests.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

export function openRouterSpecFile(): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'reference', 'openrouter-openapi.yaml');
  return fs.existsSync(shared) ? shared : path.join(repoRoot, 'test', 'reference', 'openrouter-openapi.yaml');
}
