// Anthropic image blocks → OpenAI `image_url` parts, for an Anthropic client (Claude Code pasting a screenshot, a
// Read tool returning a PNG) in front of an OpenAI-chat upstream. A model portai does not know to read images gets
// a short placeholder instead: a 400 here would repeat on every later turn, since the image stays in the history.

export const IMAGE_OMITTED = '[image omitted: model has no vision]';
export const IMAGE_OMITTED_WARNING = 'images were replaced by a placeholder: the model is not known to accept image input';

export type OpenAIPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/**
 * The OpenAI part for one Anthropic image block: base64 becomes a data URL, a url source stays a URL. A source
 * portai cannot turn into a URL (Anthropic's Files API `file` source) is a placeholder even for a vision model.
 */
export function imagePart(block: Record<string, unknown>, vision: boolean): { part: OpenAIPart; omitted: boolean } {
  if (!vision) return { part: { type: 'text', text: IMAGE_OMITTED }, omitted: true };
  const url = imageUrl(block.source);
  if (url === undefined) return { part: { type: 'text', text: UNSENDABLE }, omitted: true };
  return { part: { type: 'image_url', image_url: { url } }, omitted: false };
}

const UNSENDABLE = '[image omitted: only base64 and url images can be sent on this route]';

function imageUrl(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  if (source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string') {
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return undefined;
}

/** Parts that are all text collapse to one string, the form every OpenAI-chat upstream takes. */
export function partsContent(parts: OpenAIPart[], separator: string): string | OpenAIPart[] {
  if (parts.every((part) => part.type === 'text')) return parts.map((part) => (part as { text: string }).text).join(separator);
  return parts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether portai knows the model reads images: the preset's or config's `input_modalities` first, else the
 * provider's last catalog sync (OpenRouter lists `architecture.input_modalities` per model). Unknown = no.
 */
export function readsImages(stated: readonly string[] | undefined, catalogEntry: unknown): boolean {
  if (stated) return stated.includes('image');
  const architecture = isRecord(catalogEntry) ? catalogEntry.architecture : undefined;
  const listed = isRecord(architecture) ? architecture.input_modalities : undefined;
  return Array.isArray(listed) && listed.includes('image');
}
