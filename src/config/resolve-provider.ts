// One provider entry of the config merged over its preset. The config's facts win; anything
// neither states stays unknown.
import type { ModelFacts, Preset, ResolvedModel, ResolvedProvider } from '../types.js';
import type { RawProvider } from './raw-config.js';

export function resolveProvider(name: string, entry: RawProvider, preset: Preset): ResolvedProvider {
  const billing = entry.billing ?? preset.billing;
  const wire = preset.wire;
  const base_urls = { ...preset.base_urls, ...entry.base_urls };
  if (entry.base_url) base_urls[wire] = entry.base_url;
  const listed = entry.models ?? [];
  // the tier's numbers over the preset's shared limits; the config's own limits over both
  const plan = entry.plan ?? preset.plan;
  const tier = plan !== undefined ? preset.plans?.[plan] : undefined;
  return {
    name,
    preset: preset.name,
    family: preset.family,
    wire,
    base_urls,
    api_key_env: entry.api_key_env ?? preset.api_key_env,
    auth: preset.auth,
    headers: { ...preset.headers, ...entry.headers },
    billing,
    limits: { ...preset.limits, ...tier, ...entry.limits },
    models: mergeModels(preset.models, listed).map((model) => resolveModel(withTraining(model, preset), wire, billing)),
    // `<provider>/*` means what the user listed, in their order, when they listed anything
    wildcard: (listed.length > 0 ? listed : preset.models).map((model) => model.id),
    errors: [...(preset.errors ?? [])],
    catalog: preset.catalog,
    quota_url: preset.quota_url,
    warnings: [...(preset.warnings ?? [])],
    ...(plan !== undefined && tier ? { plan, plan_chosen: entry.plan !== undefined } : {}),
  };
}

function mergeModels(fromPreset: ModelFacts[], fromConfig: ModelFacts[]): ModelFacts[] {
  const merged = new Map<string, ModelFacts>();
  for (const model of fromPreset) merged.set(model.id, { ...model });
  for (const model of fromConfig) merged.set(model.id, { ...merged.get(model.id), ...model });
  return [...merged.values()];
}

/** A provider-wide fact (a local Ollama never trains) fills in for a model that states none of its own. */
function withTraining(model: ModelFacts, preset: Preset): ModelFacts {
  return model.trains_on_data === undefined && preset.trains_on_data !== undefined ? { ...model, trains_on_data: preset.trains_on_data } : model;
}

function resolveModel(model: ModelFacts, wire: ResolvedModel['wire'], billing: ResolvedModel['billing']): ResolvedModel {
  return { ...model, wire: model.wire ?? wire, billing: model.billing ?? billing };
}
