// The exact client settings that put an agent behind `portai serve`.
import type { ServeAlias } from '../types.js';

export type ClientKind = 'claude' | 'hermes' | 'codex' | 'opencode';

export const CLIENT_KINDS: readonly ClientKind[] = ['claude', 'hermes', 'codex', 'opencode'];

/** Which aliases to name in the client's model settings: a thinking route for the main model, a light one for background work. */
export function pickAliases(aliases: Record<string, ServeAlias>): { main?: string; small?: string } {
  const exact = Object.entries(aliases).filter(([name]) => !/[*?]/.test(name));
  const main = exact.find(([, alias]) => alias.effort === 'high')?.[0] ?? exact[0]?.[0];
  const small = exact.find(([, alias]) => alias.tag === 'background' || alias.effort === 'low')?.[0] ?? main;
  return { main, small };
}

export function printEnv(kind: ClientKind, url: string, token: string, aliases: Record<string, ServeAlias> = {}): string {
  const origin = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const { main, small } = pickAliases(aliases);
  if (kind === 'codex') return codexConfig(origin, token, main);
  if (kind === 'opencode') return opencodeConfig(origin, token, aliases, main, small);
  return kind === 'claude' ? claudeEnv(origin, token, main, small) : hermesConfig(origin, token, main, small);
}

function claudeEnv(origin: string, token: string, main?: string, small?: string): string {
  const lines = [
    '# Claude Code behind portai: paste into your shell (or the "env" block of ~/.claude/settings.json).',
    `export ANTHROPIC_BASE_URL=${origin}`,
    `export ANTHROPIC_AUTH_TOKEN=${token}`,
    '# empty on purpose: a real Anthropic key must not be used next to portai',
    'export ANTHROPIC_API_KEY=""',
  ];
  if (main) {
    lines.push(`export ANTHROPIC_MODEL=${main}`, `export ANTHROPIC_DEFAULT_OPUS_MODEL=${main}`, `export ANTHROPIC_DEFAULT_SONNET_MODEL=${main}`);
  }
  if (small) {
    lines.push(
      '# background calls (titles, summaries, built-in agents); Claude Code 1.x reads ANTHROPIC_SMALL_FAST_MODEL',
      `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${small}`,
      `export ANTHROPIC_SMALL_FAST_MODEL=${small}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Hermes's auxiliary tasks, each of which otherwise picks its own (possibly paid) provider. */
const HERMES_AUXILIARY = ['vision', 'web_extract', 'approval', 'compression', 'session_search', 'skills_hub', 'title_generation', 'mcp'];

function hermesConfig(origin: string, token: string, main?: string, small?: string): string {
  const lines = [
    '# ~/.hermes/config.yaml — replace the model block and add the rest.',
    'model:',
    '  provider: custom',
    `  default: ${main ?? 'free'}`,
    `  base_url: ${origin}/v1`,
    `  api_key: ${token}`,
    '# no hidden fallback to another provider: portai does the fallback, inside its guards',
    'fallback_providers: []',
    '# every auxiliary task goes through the main provider, i.e. through portai',
    'auxiliary:',
    ...HERMES_AUXILIARY.flatMap((task) => [`  ${task}:`, '    provider: main']),
  ];
  if (small && small !== main) lines.push(`# tip: set auxiliary.<task>.model: ${small} to send background tasks to the light route`);
  lines.push('# and remove OPENROUTER_API_KEY (and any other provider key) from ~/.hermes/.env: only portai holds keys.');
  return `${lines.join('\n')}\n`;
}

/** The environment variable Codex reads the token from (`env_key`): the token stays out of config.toml. */
export const CODEX_TOKEN_ENV = 'PORTAI_SERVE_TOKEN';

/**
 * Codex's custom provider (https://github.com/openai/codex/blob/main/docs/config.md, "model_providers"): base_url
 * gets `/responses` appended, env_key names the variable sent as `Authorization: Bearer`, and wire_api "responses"
 * because Codex deprecates "chat" (CHAT_WIRE_API_DEPRECATION_SUMMARY in codex-rs/core/src/model_provider_info.rs).
 * Codex 0.171 also sends OpenAI's hosted `web_search` tool and a `namespace` of sub-agent tools on every request
 * unless turned off; portai refuses both (web search runs and bills upstream), so the config turns them off. Each
 * key was checked with `codex exec --strict-config` (0.171.0), which refuses unknown keys; `[agents] enabled` is
 * the replacement Codex's own deprecation warning names for `[features] multi_agent`.
 */
function codexConfig(origin: string, token: string, main?: string): string {
  const lines = [
    '# ~/.codex/config.toml — root keys before any [table]; merge with what you have.',
    `model = "${main ?? 'free'}"`,
    'model_provider = "portai"',
    '# OpenAI\'s hosted web search runs (and bills) upstream: portai refuses it, so Codex must not send it',
    'web_search = "disabled"',
    '# no update check, analytics or feedback upload next to portai',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '# sub-agent tools come as a `namespace` tool, which portai does not translate',
    '[agents]',
    'enabled = false',
    '',
    '[model_providers.portai]',
    'name = "portai"',
    `base_url = "${origin}/v1"`,
    `env_key = "${CODEX_TOKEN_ENV}"`,
    'wire_api = "responses"',
    '',
    '# and in the shell that runs codex (portai keeps no response: Codex sends the whole conversation each turn):',
    `# export ${CODEX_TOKEN_ENV}=${token}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * opencode's custom provider (https://opencode.ai/docs/providers/, "Custom provider"): the bundled
 * `@ai-sdk/openai-compatible` package on portai's /v1, the token read from the environment with `{env:…}`, and
 * every exact alias as a model. `small_model` is what opencode uses for titles and summaries.
 */
function opencodeConfig(origin: string, token: string, aliases: Record<string, ServeAlias>, main?: string, small?: string): string {
  const names = Object.keys(aliases).filter((name) => !/[*?]/.test(name));
  const models = Object.fromEntries((names.length > 0 ? names : ['free']).map((name) => [name, { name }]));
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: `portai/${main ?? 'free'}`,
    small_model: `portai/${small ?? main ?? 'free'}`,
    provider: {
      portai: { npm: '@ai-sdk/openai-compatible', name: 'portai', options: { baseURL: `${origin}/v1`, apiKey: `{env:${CODEX_TOKEN_ENV}}` }, models },
    },
  };
  return [
    '// opencode.json (in your project, or ~/.config/opencode/opencode.json): merge with what you have.',
    '// and in the shell that runs opencode (the token stays out of the file):',
    `// export ${CODEX_TOKEN_ENV}=${token}`,
    JSON.stringify(config, null, 2),
    '',
  ].join('\n');
}
