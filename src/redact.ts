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
/** Guessed from a variable's name only (see secretsInEnvironment): demand a key-like length. */
const MIN_GUESSED_LENGTH = 16;

const KEY_FORMATS: readonly RegExp[] = [
  // one prefix family: OpenRouter `sk-or-v1-<64 hex>` (https://github.com/salvacybersec/keyhunter providers/openrouter.yaml),
  // Anthropic `sk-ant-api03-…` (https://huggingface.co/spaces/issaocean/openai_api_key_status app.py),
  // OpenAI `sk-proj-…` / `sk-…` and OpenCode's `sk-…`
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  // Z.AI / Zhipu: `<32 hex id>.<16-char secret>`, e.g. 5371d5ed2fa84618852eee0459455c57.dgquQksHDfyLekKX
  // (https://github.com/Amaran27/micro micro/ZHIPUAI_AUTHENTICATION_FIX.md)
  /\b[0-9a-fA-F]{32}\.[A-Za-z0-9_-]{16,}/g,
];

const known = new Set<string>();
/** longest first, so a secret that contains another is replaced whole */
let ordered: string[] = [];

/** Remember secret values for the rest of the process; unset, empty and too-short values are ignored. */
export function rememberSecrets(values: Iterable<string | undefined>, minLength = MIN_SECRET_LENGTH): void {
  let added = false;
  for (const value of values) {
    for (const candidate of [value, value?.trim()]) {
      if (!candidate || candidate.length < minLength || known.has(candidate)) continue;
      known.add(candidate);
      added = true;
    }
  }
  if (added) ordered = [...known].sort((a, b) => b.length - a.length);
}

/** The text with every known secret and every key-shaped string replaced by [redacted]. */
export function redact(text: string, extra?: string): string {
  let result = text;
  if (extra && extra.length >= MIN_SECRET_LENGTH && result.includes(extra)) result = result.split(extra).join(REDACTED);
  for (const secret of ordered) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  for (const pattern of KEY_FORMATS) result = result.replace(pattern, REDACTED);
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

/**
 * Values of variables whose names say they hold a secret (…_API_KEY, …_TOKEN, …_SECRET, …_PASSWORD), for the
 * commands that print ledger rows without loading a config (runs show, queue list).
 */
export function rememberEnvironmentSecrets(env: Record<string, string | undefined>): void {
  const values = Object.entries(env).filter(([name]) => /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$/i.test(name)).map(([, value]) => value);
  rememberSecrets(values, MIN_GUESSED_LENGTH);
}
