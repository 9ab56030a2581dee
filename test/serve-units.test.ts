import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostAllowed, loadOrCreateToken, originAllowed, presentedToken, tokenMatches } from '../src/serve/auth.js';
import { matchAlias, traitsFor } from '../src/serve/aliases.js';
import { printEnv } from '../src/serve/print-env.js';
import { clientName } from '../src/serve/http-io.js';
import { estimateTokens, promptCharacters } from '../src/serve/estimate.js';
import { ClientError } from '../src/serve/client-error.js';
import { serveCommand } from '../src/serve/serve-command.js';
import type { Ledger } from '../src/ledger/index.js';
import type { Config } from '../src/types.js';
import { repoRoot } from './helpers/cli.js';

const temporary: string[] = [];
afterEach(() => {
  for (const folder of temporary.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function configWith(models: Config['serve']['models'], privacy?: 'public' | 'private'): Config {
  return {
    file: '/tmp/portai.yaml',
    skills_dirs: [],
    defaults: { privacy: 'private' },
    budget: { usd_per_day: 0 },
    providers: {},
    routes: [],
    retry: { max_wait_seconds: 30 },
    calendars: {},
    serve: { privacy, models },
  };
}

describe('serve token', () => {
  it('is created once with mode 0600 and reused', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-serve-'));
    temporary.push(home);
    const first = loadOrCreateToken(path.join(home, 'state'));
    const file = path.join(home, 'state', 'serve-token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateToken(path.join(home, 'state'))).toBe(first);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-serve-'));
    temporary.push(other);
    expect(loadOrCreateToken(other)).not.toBe(first);
  });

  it('is read from Bearer or x-api-key and compared exactly', () => {
    expect(presentedToken({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedToken({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedToken({})).toBeUndefined();
    expect(tokenMatches('secret-token', 'secret-token')).toBe(true);
    expect(tokenMatches('secret-token', 'secret-tokem')).toBe(false);
    expect(tokenMatches('secret-token', 'secret')).toBe(false);
    expect(tokenMatches('secret-token', undefined)).toBe(false);
  });

  it('accepts only loopback Host names on the right port, and no foreign Origin', () => {
    expect(hostAllowed('127.0.0.1:4000', 4000, '127.0.0.1')).toBe(true);
    expect(hostAllowed('localhost:4000', 4000, '127.0.0.1')).toBe(true);
    expect(hostAllowed('evil.example:4000', 4000, '127.0.0.1')).toBe(false);
    expect(hostAllowed('127.0.0.1:4001', 4000, '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, 4000, '127.0.0.1')).toBe(false);
    expect(hostAllowed('10.0.0.5:4000', 4000, '10.0.0.5')).toBe(true);
    expect(originAllowed(undefined)).toBe(true);
    expect(originAllowed('http://localhost:3000')).toBe(true);
    expect(originAllowed('https://evil.example')).toBe(false);
    expect(originAllowed('null')).toBe(false);
  });
});

describe('model aliases', () => {
  const config = configWith({ free: { effort: 'low' }, think: { effort: 'high', privacy: 'public' }, '*haiku*': { effort: 'low', tag: 'background' }, '*sonnet*': { effort: 'high' } });

  it('matches exact names first, then patterns, and refuses unknown names listing the aliases', () => {
    expect(matchAlias(config, 'free').name).toBe('free');
    expect(matchAlias(config, 'claude-haiku-4-5-20251001').name).toBe('*haiku*');
    expect(matchAlias(config, 'claude-sonnet-4-5').name).toBe('*sonnet*');
    const unknown = () => matchAlias(config, 'gpt-5');
    expect(unknown).toThrow(ClientError);
    expect(unknown).toThrow(/free, think, \*haiku\*, \*sonnet\*/);
  });

  it('takes effort, privacy and tag from the alias; thinking means high effort', () => {
    expect(traitsFor(config, matchAlias(config, 'claude-haiku-4-5'), false)).toEqual({ effort: 'low', privacy: 'private', tags: ['background'] });
    expect(traitsFor(config, matchAlias(config, 'claude-haiku-4-5'), true).effort).toBe('high');
    expect(traitsFor(config, matchAlias(config, 'think'), false).privacy).toBe('public');
    const publicDefault = configWith({ free: {} }, 'public');
    expect(traitsFor(publicDefault, matchAlias(publicDefault, 'free'), false)).toEqual({ effort: 'low', privacy: 'public', tags: [] });
  });
});

describe('printEnv', () => {
  const aliases = { free: { effort: 'low' as const }, think: { effort: 'high' as const }, '*haiku*': { effort: 'low' as const } };

  it('Claude Code: base URL without /v1, the token as auth token, an empty API key, models mapped to aliases', () => {
    const text = printEnv('claude', 'http://127.0.0.1:8787', 'tok-123', aliases);
    expect(text).toContain('export ANTHROPIC_BASE_URL=http://127.0.0.1:8787\n');
    expect(text).toContain('export ANTHROPIC_AUTH_TOKEN=tok-123\n');
    expect(text).toContain('export ANTHROPIC_API_KEY=""\n');
    expect(text).toContain('export ANTHROPIC_MODEL=think\n');
    expect(text).toContain('export ANTHROPIC_DEFAULT_HAIKU_MODEL=free\n');
    expect(text).not.toContain('/v1');
  });

  it('Codex: hosted web search, sub-agent namespace tools, update check, analytics and feedback off, root keys before tables', () => {
    const text = printEnv('codex', 'http://127.0.0.1:8787', 'tok-123', aliases);
    const firstTable = text.indexOf('\n[');
    for (const line of ['model = "think"', 'model_provider = "portai"', 'web_search = "disabled"', 'check_for_update_on_startup = false']) {
      expect(text).toContain(`\n${line}\n`);
      expect(text.indexOf(`\n${line}\n`)).toBeLessThan(firstTable);
    }
    expect(text).toContain('[analytics]\nenabled = false\n');
    expect(text).toContain('[feedback]\nenabled = false\n');
    expect(text).toContain('[agents]\nenabled = false\n');
    expect(text).toContain('# export PORTAI_SERVE_TOKEN=tok-123');
  });

  it('opencode: an openai-compatible provider on /v1, the token from the environment, the exact aliases as models', () => {
    const text = printEnv('opencode', 'http://127.0.0.1:8787', 'tok-123', aliases);
    expect(text).toContain('// export PORTAI_SERVE_TOKEN=tok-123\n');
    const config = JSON.parse(text.slice(text.indexOf('\n{') + 1));
    expect(config).toMatchObject({ model: 'portai/think', small_model: 'portai/free', autoupdate: false, share: 'disabled' });
    expect(config.provider.portai).toEqual({
      npm: '@ai-sdk/openai-compatible',
      name: 'portai',
      options: { baseURL: 'http://127.0.0.1:8787/v1', apiKey: '{env:PORTAI_SERVE_TOKEN}' },
      models: { free: { name: 'free' }, think: { name: 'think' } },
    });
    // the token itself is not in the JSON: the file may be committed with a project
    expect(JSON.stringify(config)).not.toContain('tok-123');
  });

  it("the README's Codex and opencode recipes are what --print-env prints for the starter aliases", () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = (title: string, fence: string) => {
      const start = readme.indexOf(title);
      return new RegExp('```' + fence + '\\n([\\s\\S]*?)```').exec(readme.slice(start))?.[1] ?? '';
    };
    const starter = { free: { effort: 'low' as const }, think: { effort: 'high' as const }, '*haiku*': { effort: 'low' as const, tag: 'background' }, '*sonnet*': { effort: 'high' as const } };
    const opencode = printEnv('opencode', 'http://127.0.0.1:8787', 'tok', starter);
    expect(JSON.parse(section('### Put opencode behind portai', 'json'))).toEqual(JSON.parse(opencode.slice(opencode.indexOf('\n{') + 1)));
    // TOML settings without comments and blank lines, in order
    const settings = (toml: string) => toml.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#'));
    expect(settings(section('### Put Codex behind portai', 'toml'))).toEqual(settings(printEnv('codex', 'http://127.0.0.1:8787', 'tok', starter)));
  });

  it('Hermes: custom provider on /v1 with the token, no fallbacks, every auxiliary task on main', () => {
    const text = printEnv('hermes', 'http://127.0.0.1:8787', 'tok-123', aliases);
    expect(text).toMatch(/model:\n  provider: custom\n  default: think\n  base_url: http:\/\/127\.0\.0\.1:8787\/v1\n  api_key: tok-123\n/);
    expect(text).toContain('fallback_providers: []');
    for (const task of ['vision', 'web_extract', 'compression', 'approval']) expect(text).toContain(`  ${task}:\n    provider: main\n`);
    expect(text).toContain('remove OPENROUTER_API_KEY');
  });
});

describe('small helpers', () => {
  it('names the client from its user agent', () => {
    expect(clientName('claude-cli/2.0.8 (external, cli)')).toBe('claude-cli');
    expect(clientName('OpenAI/JS 6.49.0')).toBe('OpenAI/JS');
    expect(clientName(undefined)).toBeNull();
  });

  it('estimates tokens, never 0 for a non-empty prompt', () => {
    expect(estimateTokens(promptCharacters({ messages: [{ role: 'user', content: 'a' }] }))).toBeGreaterThan(0);
    expect(estimateTokens(1)).toBe(1);
    expect(estimateTokens(4000)).toBe(1000);
    expect(estimateTokens(0)).toBe(0);
  });
});

describe('serveCommand --print-env', () => {
  it('prints the settings for the port and the stored token, without starting a server', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-serve-'));
    temporary.push(home);
    let printed = '';
    const server = await serveCommand({
      config: configWith({ think: { effort: 'high' } }),
      // --print-env never touches the ledger
      ledger: undefined as unknown as Ledger,
      home,
      env: {},
      port: 9911,
      printEnv: 'claude',
      stdout: (text) => (printed += text),
    });
    expect(server).toBeNull();
    expect(printed).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:9911\n');
    expect(printed).toContain(`ANTHROPIC_AUTH_TOKEN=${loadOrCreateToken(home)}\n`);
  });
});
