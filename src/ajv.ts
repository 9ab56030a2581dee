// One shared ajv instance with formats (date-time, uri, …), so schemas compile once per process.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let shared: Ajv2020 | undefined;

export function ajv(): Ajv2020 {
  if (!shared) {
    // schemas are checked against the meta-schema by compileSchema (precompiled), not by a compiled-at-start-up one
    shared = new Ajv2020({ allErrors: true, strict: false, useDefaults: false, validateSchema: false });
    addFormats(shared);
  }
  return shared;
}
