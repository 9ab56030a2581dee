// Local token estimates: characters / 4, the same rule the router uses for its prompt estimate.
// Never 0 for a non-empty request, because clients treat 0 as "nothing to count".

export function estimateTokens(characters: number): number {
  return characters > 0 ? Math.max(1, Math.ceil(characters / 4)) : 0;
}

/** Characters of everything that reaches the model: system, messages, tools. JSON text counts its structure too, as tokenizers do. */
export function promptCharacters(body: { system?: unknown; messages?: unknown; tools?: unknown }): number {
  let characters = 0;
  for (const part of [body.system, body.messages, body.tools]) {
    if (part === undefined || part === null) continue;
    characters += typeof part === 'string' ? part.length : JSON.stringify(part).length;
  }
  return characters;
}
