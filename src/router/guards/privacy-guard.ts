// A private step never reaches a model that may train on prompts. Unknown counts as "may train", except on
// OpenRouter: a private request there carries data_collection: "deny", so OpenRouter itself avoids such endpoints.
import type { Guard } from './guard.js';
import { reject } from './guard.js';
import { configName } from '../config-name.js';

export const privacyGuard: Guard = (context) => {
  if (context.traits.privacy !== 'private') return null;
  const { model, provider } = context;
  if (model.trains_on_data === false) return null;
  if (model.trains_on_data === undefined && provider.family === 'openrouter') return null;
  const reason =
    model.trains_on_data === true
      ? `${model.id} trains on prompts and this step is private`
      : `${model.id} may train on prompts (trains_on_data unknown) and this step is private`;
  const unblock =
    model.trains_on_data === true
      ? 'mark the skill privacy: public if its data may be used for training'
      : `set trains_on_data: false for ${model.id} in ${configName(context.config)} if the provider does not train on prompts`;
  return reject(context, 'privacy', reason, unblock, null);
};
