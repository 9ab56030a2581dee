// The one redactor every writer passes through: stdout and stderr (src/cli/redact-stdio.ts), the ledger's
// statements (src/ledger/db.ts), serve's error bodies and notifications. It redacts by value every secret the
// process has learned — each configured provider's key, not only the one that answered, calendar credentials,
// a skill's env: secrets — and by shape the key formats of the providers portai knows, so a key echoed in
// ANOTHER provider's error body, or one that was never configured, is caught too. Imports nothing from the
// project but types, so the lowest layer (the ledger) can use it.
import type { Config } from './types.js';

export const REDACTED = '[redacted]';

/** Shorter values are not real keys, and replacing them everywhere would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

// Each shape must start a token (no letter, digit, '_', '-' before it), so a random id or another token that
// merely contains `-sk-` is left alone.
const KEY_FORMATS: ReadonlyArray<{ pattern: RegExp; hint: string }> = [
  // one prefix family: OpenRouter `sk-or-v1-<64 hex>`
  // (https://gitea.taygun.net.tr/salvacybersec/keyhunter/src/commit/850c3ff8e98020703cff1356786e0277a7a51138/providers/openrouter.yaml),
  // Anthropic `sk-ant-api03-…` (https://huggingface.co/spaces/issaocean/openai_api_key_status/commit/17ed057944cbd51280c486729d1b20f11b92e9f5),
  // OpenAI `sk-proj-…` / `sk-…`. Keys of other shapes (OpenCode's, say) are caught by value, as configured keys.
  { pattern: /(?<![\w-])sk-[\w-]{16,}/g, hint: 'sk-' },
  // Z.AI / Zhipu: `<32 hex id>.<16-char secret>`, e.g. 5371d5ed2fa84618852eee0459455c57.dgquQksHDfyLekKX
  // (https://github.com/Amaran27/micro/blob/main/micro/ZHIPUAI_AUTHENTICATION_FIX.md)
  { pattern: /(?<![\w.-])[0-9a-fA-F]{32}\.[\w-]{16,}/g, hint: '.' },
];

const known = new Set<string>();
/** longest first, so a secret that contains another is replaced whole */
let ordered: string[] = [];

/** Remember secret values for the rest of the process; unset, empty and too-short values are ignored. */
export function rememberSecrets(values: Iterable<string | undefined>): void {
  let added = false;
  for (const value of values) {
    for (const candidate of [value, value?.trim()]) {
      if (!candidate || candidate.length < MIN_SECRET_LENGTH || known.has(candidate)) continue;
      known.add(candidate);
      added = true;
    }
  }
  if (added) ordered = [...known].sort((a, b) => b.length - a.length);
}

/** The text with every known secret and every key-shaped string replaced by [redacted]. */
export function redact(text: string, extra?: string): string {
  let result = text;
  // the answering endpoint's own key, known for certain to be a key: as before, any length from 4
  if (extra && extra.length >= 4 && result.includes(extra)) result = result.split(extra).join(REDACTED);
  for (const secret of ordered) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  // the cheap substring test first: the ledger redacts every value it binds, most of them short and clean
  for (const { pattern, hint } of KEY_FORMATS) if (result.includes(hint)) result = result.replace(pattern, REDACTED);
  return result;
}

/** The secret values a config names: every provider's api_key_env and every calendar's username_env/password_env. */
export function secretsOfConfig(config: Pick<Config, 'providers' | 'calendars'>, env: Record<string, string | undefined>): string[] {
  const names = [
    ...Object.values(config.providers).map((provider) => provider.api_key_env),
    ...Object.values(config.calendars ?? {}).flatMap((calendar) => [calendar.username_env, calendar.password_env]),
  ];
  return names.flatMap((name) => (name && env[name] ? [env[name] as string] : []));
}
