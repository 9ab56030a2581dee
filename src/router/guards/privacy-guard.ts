// A private step never reaches a model that may train on prompts. Unknown counts as "may train", except on
// OpenRouter: a private request there carries data_collection: "deny", so OpenRouter itself avoids such endpoints.
import type { Guard } from './guard.js';
import { reject } from './guard.js';
import { privacyFix, refusedForPrivate } from '../privacy-fix.js';

export const privacyGuard: Guard = (context) => {
  if (context.traits.privacy !== 'private') return null;
  const { model, provider } = context;
  if (!refusedForPrivate(provider, model)) return null;
  const reason =
    model.trains_on_data === true
      ? `${model.id} trains on prompts and this step is private`
      : `${model.id} may train on prompts (trains_on_data unknown) and this step is private`;
  const viaWildcard = context.named.includes(`${provider.name}/*`);
  return reject(context, 'privacy', reason, privacyFix(context.config, provider, [model], viaWildcard), null);
};
