// One shared ajv instance with formats (date-time, uri, …), so schemas compile once per process.
// Loaded on first use: the built CLI checks its own files with precompiled validators (dist/validators.cjs), so
// only a skill's own schemas (inputs, step outputs) need the compiler, and most commands never load it.
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

let shared: Ajv2020 | undefined;

export function ajv(): Ajv2020 {
  if (!shared) {
    const { Ajv2020: Compiler } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = require('ajv-formats') as (instance: Ajv2020) => Ajv2020;
    // schemas are checked against the meta-schema by compileSchema (precompiled), not by a compiled-at-start-up one
    shared = new Compiler({ allErrors: true, strict: false, useDefaults: false, validateSchema: false });
    addFormats(shared);
  }
  return shared;
}
