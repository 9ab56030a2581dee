// Provider presets are data: every providers/*.yaml is validated against schemas/preset.schema.json.
// Later folders win, so a user's own ~/.config/portai/providers/openrouter.yaml replaces the shipped one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../errors.js';
import { parseYaml, type LoadedYaml } from '../load-yaml.js';
import type { Preset } from '../types.js';
import { packageRoot } from './package-root.js';
import { presetValidator } from './schemas.js';

export function shippedPresetsDir(): string {
  return path.join(packageRoot(), 'providers');
}

export function userPresetsDir(home: string = os.homedir()): string {
  return path.join(home, '.config', 'portai', 'providers');
}

/** What the config resolver needs of the presets; a Map of loaded presets is one. */
export interface PresetSource {
  get(name: string): Preset | undefined;
  has(name: string): boolean;
  keys(): IterableIterator<string>;
}

/**
 * Presets read on demand: a command pays only for the preset files its config names (each parse and check
 * costs start-up time). Later folders win on a name clash, as in loadPresets.
 */
export function presetShelf(dirs: string[] = [shippedPresetsDir(), userPresetsDir()]): PresetSource {
  const files = new Map<string, string>();
  for (const dir of dirs) for (const file of presetFilesIn(dir)) files.set(path.basename(file).replace(/\.ya?ml$/, ''), file);
  const loaded = new Map<string, Preset>();
  return {
    get(name) {
      const file = files.get(name);
      if (!file) return undefined;
      if (!loaded.has(name)) loaded.set(name, loadPresetFile(file));
      return loaded.get(name);
    },
    has: (name) => files.has(name),
    keys: () => files.keys(),
  };
}

export function loadPresets(dirs: string[] = [shippedPresetsDir(), userPresetsDir()]): Map<string, Preset> {
  const presets = new Map<string, Preset>();
  for (const dir of dirs) {
    for (const file of presetFilesIn(dir)) {
      const preset = loadPresetFile(file);
      presets.set(preset.name, preset);
    }
  }
  return presets;
}

export function loadPresetFile(file: string): Preset {
  const text = fs.readFileSync(file, 'utf8');
  const loaded = parseYaml<Preset>(file, text, presetValidator());
  checkPreset(file, loaded);
  return withoutUnknowns(loaded.value);
}

/**
 * A preset writes `trains_on_data: unknown` to say the provider's terms are silent; past the loader an
 * unknown fact is simply absent (DESIGN.md "Precise rules"), so the guards read one representation.
 */
function withoutUnknowns(preset: Preset): Preset {
  const known = (value: unknown) => (value === 'unknown' ? undefined : (value as boolean | undefined));
  const { trains_on_data, ...rest } = preset;
  const models = preset.models.map(({ trains_on_data: stated, ...model }) => (known(stated) === undefined ? model : { ...model, trains_on_data: known(stated) }));
  return known(trains_on_data) === undefined ? { ...rest, models } : { ...rest, models, trains_on_data: known(trains_on_data) };
}

function checkPreset(file: string, loaded: LoadedYaml<Preset>): void {
  const preset = loaded.value;
  const expected = path.basename(file).replace(/\.ya?ml$/, '');
  const fail = (message: string, fieldPath: Array<string | number>, hint: string): never => {
    throw new BadInputError(message, { place: { file, field: fieldPath.join('.'), ...loaded.placeOf(fieldPath) }, hint });
  };
  if (preset.name !== expected) fail(`preset name '${preset.name}' differs from its file name`, ['name'], `set name: ${expected}`);
  if (preset.plan !== undefined && !preset.plans?.[preset.plan]) fail(`default plan '${preset.plan}' is not one of its plans`, ['plan'], `use one of: ${Object.keys(preset.plans ?? {}).join(', ') || '(add plans:)'}`);
  if (preset.plans && preset.plan === undefined) fail('a preset with plan tiers must name the default one', ['plans'], `add plan: ${Object.keys(preset.plans)[0]} (the smallest tier)`);
  // a generic preset leaves the URL to the config; every other preset must say where it lives
  if (preset.family === 'generic') return;
  if (!preset.base_urls[preset.wire]) fail(`no base URL for its wire '${preset.wire}'`, ['base_urls'], `add base_urls.${preset.wire}`);
  preset.models.forEach((model, index) => {
    if (model.wire && !preset.base_urls[model.wire]) {
      fail(`model '${model.id}' speaks ${model.wire} but the preset has no base URL for it`, ['models', index, 'wire'], `add base_urls.${model.wire}`);
    }
  });
}

function presetFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return []; // the user's folder is optional
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}
