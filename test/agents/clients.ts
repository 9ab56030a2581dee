// How each pinned agent is pointed at `portai serve` and run non-interactively, from the settings
// `portai serve --print-env <client>` prints (so the printed recipes are the ones under test).
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { IncomingRequest, Reply } from '../fake-provider/server.js';
import { AGENT_BIN, runAgent, type AgentResult, type Rig } from './rig.js';

export interface AgentRun {
  prompt: string;
  /** the serve alias the agent asks for */
  model: string;
  timeout_ms?: number;
  /** stop the agent (SIGTERM) as soon as this holds */
  stopWhen?: () => boolean;
}

export interface AgentDriver {
  name: 'claude' | 'codex' | 'opencode';
  /** the shell tool call the fake makes the agent run `echo hi` with */
  shellCall: { name: string; arguments: Record<string, unknown> };
  run(rig: Rig, run: AgentRun): Promise<AgentResult>;
  /** the agent's final answer text, from its output */
  answer(result: AgentResult): string;
}

/** What `portai serve --print-env <kind>` prints for this rig (same PORTAI_HOME, so the same token and aliases). */
export async function printedSettings(rig: Rig, kind: 'claude' | 'codex' | 'opencode'): Promise<string> {
  // the port agents reach portai on (the recording relay in front of it)
  const port = String(rig.clientPort);
  const printed = await runCli(['serve', '--print-env', kind, '--port', port], { cwd: path.join(rig.home, 'serve'), env: { PATH: process.env.PATH ?? '', HOME: path.join(rig.home, 'serve'), PORTAI_HOME: rig.state, NO_COLOR: '1' } });
  if (printed.code !== 0) throw new Error(`portai serve --print-env ${kind} failed: ${printed.stderr}`);
  return printed.stdout;
}

/** The agents' HOME: nothing from the developer's machine, only PATH. */
function agentEnv(rig: Rig, extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: rig.home, TERM: 'dumb', NO_COLOR: '1', ...extra };
}

/**
 * Claude Code (`claude -p`): ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN from --print-env claude.
 * Non-essential traffic off with the documented variables (https://docs.anthropic.com/en/docs/claude-code/settings,
 * "Environment variables": DISABLE_TELEMETRY, DISABLE_AUTOUPDATER, DISABLE_ERROR_REPORTING,
 * CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC; each name is present in the pinned 2.1.332 binary). `-p` skips the onboarding and trust prompts; the shell tool is
 * allowed for the one command only (`--allowedTools "Bash(echo hi)"`), as `claude --help` (2.1.332) describes.
 */
export const claude: AgentDriver = {
  name: 'claude',
  shellCall: { name: 'Bash', arguments: { command: 'echo hi', description: 'Print hi' } },
  async run(rig, { prompt, model, timeout_ms, stopWhen }) {
    const printed = await printedSettings(rig, 'claude');
    const settings: Record<string, string> = {};
    for (const match of printed.matchAll(/^export (\w+)=(.*)$/gm)) settings[match[1]] = match[2] === '""' ? '' : match[2];
    const env = agentEnv(rig, {
      ...settings,
      ANTHROPIC_MODEL: model,
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    return runAgent(AGENT_BIN.claude, ['-p', prompt, '--output-format', 'json', '--allowedTools', 'Bash(echo hi)'], { cwd: rig.work, env, timeout_ms, stopWhen });
  },
  answer(result) {
    try {
      return String((JSON.parse(result.stdout) as { result?: unknown }).result ?? '');
    } catch {
      return '';
    }
  },
};

/**
 * Codex (`codex exec`, https://github.com/openai/codex/blob/main/docs/exec.md): ~/.codex/config.toml is exactly what
 * --print-env codex prints, the token in PORTAI_SERVE_TOKEN. `--skip-git-repo-check` because the work folder is
 * no git repository; `--dangerously-bypass-approvals-and-sandbox` because the bundled bubblewrap sandbox needs
 * user namespaces a CI container may not have (the only command run is `echo hi` in a throwaway folder).
 */
export const codex: AgentDriver = {
  name: 'codex',
  shellCall: { name: 'exec_command', arguments: { cmd: 'echo hi' } },
  async run(rig, { prompt, model, timeout_ms, stopWhen }) {
    const printed = await printedSettings(rig, 'codex');
    const token = /^# export PORTAI_SERVE_TOKEN=(\S+)$/m.exec(printed)?.[1];
    if (!token) throw new Error(`no token line in --print-env codex:\n${printed}`);
    fs.mkdirSync(path.join(rig.home, '.codex'), { recursive: true });
    fs.writeFileSync(path.join(rig.home, '.codex', 'config.toml'), printed);
    const env = agentEnv(rig, { PORTAI_SERVE_TOKEN: token });
    const args = ['exec', '--skip-git-repo-check', '--strict-config', '--dangerously-bypass-approvals-and-sandbox', '-m', model, prompt];
    return runAgent(AGENT_BIN.codex, args, { cwd: rig.work, env, timeout_ms, stopWhen });
  },
  // codex exec prints only the final message on stdout
  answer: (result) => result.stdout.trim(),
};

/**
 * opencode (`opencode run`, https://opencode.ai/docs/cli/): opencode.json in the project is what --print-env opencode
 * prints, the token in PORTAI_SERVE_TOKEN. Its @ai-sdk/openai-compatible provider is bundled in the binary (no
 * package download). OPENCODE_DISABLE_AUTOUPDATE, OPENCODE_DISABLE_MODELS_FETCH (models.dev),
 * OPENCODE_DISABLE_LSP_DOWNLOAD, OPENCODE_DISABLE_DEFAULT_PLUGINS and OPENCODE_DISABLE_SHARE keep everything else
 * off the network (https://opencode.ai/docs/cli/#environment-variables, Flag in packages/opencode/src/flag/flag.ts;
 * each name is present in the pinned 1.18.33 binary).
 */
export const opencode: AgentDriver = {
  name: 'opencode',
  shellCall: { name: 'bash', arguments: { command: 'echo hi', description: 'Print hi' } },
  async run(rig, { prompt, model, timeout_ms, stopWhen }) {
    const printed = await printedSettings(rig, 'opencode');
    const token = /^\/\/ export PORTAI_SERVE_TOKEN=(\S+)$/m.exec(printed)?.[1];
    if (!token) throw new Error(`no token line in --print-env opencode:\n${printed}`);
    const config = JSON.parse(printed.slice(printed.indexOf('\n{') + 1)) as { provider: { portai: { models: Record<string, { name: string }> } } };
    // opencode refuses a model its config does not list before sending anything: list it, as a user would
    config.provider.portai.models[model] ??= { name: model };
    fs.writeFileSync(path.join(rig.work, 'opencode.json'), JSON.stringify(config, null, 2));
    const env = agentEnv(rig, {
      PORTAI_SERVE_TOKEN: token,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_SHARE: '1',
      // opencode installs @opencode-ai/plugin into ~/.config/opencode with npm at start, in the background
      // (installDependencies in packages/opencode/src/config/config.ts): offline, against a closed loopback port,
      // it fails at once and opencode logs "background dependency install failed" and goes on
      npm_config_registry: 'http://127.0.0.1:9/',
      NPM_CONFIG_REGISTRY: 'http://127.0.0.1:9/',
      npm_config_offline: 'true',
    });
    return runAgent(AGENT_BIN.opencode, ['run', '--format', 'json', '-m', `portai/${model}`, prompt], { cwd: rig.work, env, timeout_ms, stopWhen });
  },
  answer(result) {
    // --format json: one event a line; the text parts carry the answer
    const texts: string[] = [];
    for (const line of result.stdout.split('\n')) {
      try {
        const event = JSON.parse(line) as { type?: string; part?: { type?: string; text?: string } };
        if (event.type === 'text' && typeof event.part?.text === 'string') texts.push(event.part.text);
      } catch {
        // not an event line
      }
    }
    return texts.join('');
  },
};

/** The text of a tool result in the request, if the conversation ends with one (OpenAI `tool` message or Anthropic `tool_result`). */
export function toolResultIn(request: Pick<IncomingRequest, 'body' | 'protocol'>): string | undefined {
  const body = request.body as { messages?: Array<{ role?: string; content?: unknown }> };
  const last = body.messages?.[body.messages.length - 1];
  if (!last) return undefined;
  const flatten = (content: unknown): string =>
    typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : flatten(part?.content))).join('') : '';
  if (request.protocol === 'openai-chat') return last.role === 'tool' ? flatten(last.content) : undefined;
  if (last.role !== 'user' || !Array.isArray(last.content)) return undefined;
  const results = last.content.filter((block: { type?: string }) => block?.type === 'tool_result');
  return results.length > 0 ? results.map((block: { content?: unknown }) => flatten(block.content)).join('') : undefined;
}

/** Whether the request offers the client's shell tool (titles and other side requests do not). */
export function offersTool(request: Pick<IncomingRequest, 'body'>, name: string): boolean {
  const tools = (request.body as { tools?: Array<{ name?: string; function?: { name?: string } }> }).tools ?? [];
  return tools.some((tool) => (tool.function?.name ?? tool.name) === name);
}

/** The tool loop: a shell call first, then a final text that quotes what the tool printed. Side requests get a short text. */
export function toolLoop(driver: AgentDriver): (request: IncomingRequest) => Reply {
  return (request) => {
    const result = toolResultIn(request);
    if (result !== undefined) return { text: `The command printed: ${result.trim()}` };
    if (offersTool(request, driver.shellCall.name)) return { toolCall: driver.shellCall };
    return { text: 'Echo test' };
  };
}
