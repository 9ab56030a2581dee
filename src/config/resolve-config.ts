// A validated config file (or the built-in default) turned into the trusted Config: providers merged
// over their presets, paths made absolute, and the checks the schema cannot express.
import path from 'node:path';
import { BadInputError } from '../errors.js';
import type { CalendarTarget, Config, Preset, ResolvedProvider, ServeAlias } from '../types.js';
import { checkRoutes } from './check-routes.js';
import { expandHome } from './find-config-file.js';
import { packageRoot } from './package-root.js';
import type { PlaceOf, RawConfig } from './raw-config.js';
import { resolveProvider } from './resolve-provider.js';
import { urlHasPassword } from '../ledger/postgres/sql.js';
import { withDefaultCalendar } from './default-calendar.js';
import type { PresetSource } from './load-presets.js';

export interface ResolveSource {
  /** the file it came from; null for the built-in default */
  file: string | null;
  /** folder that relative paths are resolved against */
  baseDir: string;
  placeOf: PlaceOf;
  env: NodeJS.ProcessEnv;
}

const DEFAULT_MAX_WAIT_SECONDS = 30;

export function resolveConfig(raw: RawConfig, presets: PresetSource, source: ResolveSource): Config {
  const fail = (message: string, fieldPath: Array<string | number>, field: string, hint: string): never => {
    throw new BadInputError(message, { place: { file: source.file ?? undefined, field, ...source.placeOf(fieldPath) }, hint });
  };
  if (raw.timezone !== undefined && !isTimeZone(raw.timezone)) {
    fail(`unknown time zone '${raw.timezone}'`, ['timezone'], 'timezone', 'use an IANA name such as Europe/London or UTC');
  }
  // no prototype here nor in calendars and serve.models: a name typed on the command line, sent by a client or
  // rendered from a template (`--use constructor/x`, a calendar target `__proto__`) finds nothing, not Object's own
  const providers = lookupTable<ResolvedProvider>();
  for (const [name, entry] of Object.entries(raw.providers ?? {})) {
    const preset = presets.get(entry.preset);
    if (!preset) {
      fail(`unknown preset '${entry.preset}'`, ['providers', name, 'preset'], `providers.${name}.preset`, `available presets: ${[...presets.keys()].sort().join(', ')}`);
    }
    checkPlan(name, entry.plan, preset as Preset, fail);
    const provider = resolveProvider(name, entry, preset as Preset);
    checkTimeZones(name, provider, fail);
    checkCappedModels(name, provider, fail);
    const missingWire = [provider.wire, ...provider.models.map((model) => model.wire)].find((wire) => !provider.base_urls[wire]);
    if (missingWire) {
      const key = missingWire === provider.wire ? 'base_url' : `base_urls.${missingWire}`;
      fail(`provider '${name}' (preset ${provider.preset}) has no base URL for ${missingWire}`, ['providers', name], `providers.${name}`, `add ${key}: https://… to this provider`);
    }
    providers[name] = provider;
  }
  // the file is kept in git and copied between machines: a password in it would travel with it
  if (raw.ledger && urlHasPassword(raw.ledger.url)) {
    fail('ledger.url holds a password', ['ledger', 'url'], 'ledger.url', 'remove it from the URL (postgres://user@host/db) and set PGPASSWORD, or put it in ~/.pgpass');
  }
  const routes = raw.routes ?? [];
  checkRoutes(routes, providers, source.file, source.placeOf);
  return {
    file: source.file,
    skills_dirs: skillsDirs(raw.skills, source),
    timezone: raw.timezone,
    defaults: { privacy: raw.defaults?.privacy ?? 'private', ...(raw.defaults?.quality ? { quality: raw.defaults.quality } : {}), ...(raw.defaults?.evals ? { evals: raw.defaults.evals } : {}) },
    budget: { usd_per_day: raw.budget?.usd_per_day ?? 0 },
    providers,
    routes,
    retry: { max_wait_seconds: raw.retry?.max_wait_seconds ?? DEFAULT_MAX_WAIT_SECONDS },
    calendars: Object.assign(lookupTable<CalendarTarget>(), withDefaultCalendar(raw.calendars, source.env)),
    serve: {
      privacy: raw.serve?.privacy,
      models: Object.assign(lookupTable<ServeAlias>(), raw.serve?.models),
      ...(raw.serve?.allow?.length ? { allow: raw.serve.allow } : {}),
    },
    ...(raw.ledger ? { ledger: { url: raw.ledger.url } } : {}),
  };
}

type Fail = (message: string, fieldPath: Array<string | number>, field: string, hint: string) => never;

function checkPlan(name: string, plan: string | undefined, preset: Preset, fail: Fail): void {
  if (plan === undefined) return;
  const tiers = Object.keys(preset.plans ?? {});
  if (tiers.length === 0) fail(`preset ${preset.name} has no plan tiers`, ['providers', name, 'plan'], `providers.${name}.plan`, `remove plan, or state the plan's numbers under providers.${name}.limits`);
  if (!tiers.includes(plan)) fail(`unknown plan '${plan}' for preset ${preset.name}`, ['providers', name, 'plan'], `providers.${name}.plan`, `use one of: ${tiers.join(', ')}`);
}

/** Calendar windows and peak hours name a time zone; a typo would silently count in the wrong day. */
function checkTimeZones(name: string, provider: ResolvedProvider, fail: Fail): void {
  const zones: Array<{ zone: string; field: string; path: Array<string | number> }> = [];
  (provider.limits.windows ?? []).forEach((window, index) => {
    if (window.timezone !== undefined) zones.push({ zone: window.timezone, field: `limits.windows.${index}.timezone`, path: ['providers', name, 'limits', 'windows', index, 'timezone'] });
  });
  if (provider.limits.peak_hours) zones.push({ zone: provider.limits.peak_hours.timezone, field: 'limits.peak_hours.timezone', path: ['providers', name, 'limits', 'peak_hours', 'timezone'] });
  for (const { zone, field, path: fieldPath } of zones) {
    if (!isTimeZone(zone)) fail(`unknown time zone '${zone}' in provider '${name}' (preset ${provider.preset})`, fieldPath, `providers.${name}.${field}`, 'use an IANA name such as Asia/Shanghai (UTC+8) or UTC');
  }
}

/** A per-model cap naming a model the provider does not know would never hold anything back. */
function checkCappedModels(name: string, provider: ResolvedProvider, fail: Fail): void {
  const known = new Set(provider.models.map((model) => model.id));
  (provider.limits.windows ?? []).forEach((window, index) => {
    const unknown = (window.models ?? []).find((id) => !known.has(id));
    if (unknown !== undefined) {
      fail(`the per-model cap names '${unknown}', which provider '${name}' does not list`, ['providers', name, 'limits', 'windows', index, 'models'], `providers.${name}.limits.windows.${index}.models`, `list the model under providers.${name}.models, or use one of: ${[...known].join(', ')}`);
    }
  });
}

function lookupTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The user's folders first, then always the shipped example skills. */
function skillsDirs(skills: RawConfig['skills'], source: ResolveSource): string[] {
  const listed = skills === undefined ? ['skills'] : Array.isArray(skills) ? skills : [skills];
  const dirs = listed.map((dir) => path.resolve(source.baseDir, expandHome(dir, source.env)));
  dirs.push(path.join(packageRoot(), 'skills'));
  return [...new Set(dirs)];
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
