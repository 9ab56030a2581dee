// A newcomer's first hour (issue 12), as child processes in a clean HOME with the loopback fake as
// OpenRouter: `init` writes a config whose `doctor` is green with only OPENROUTER_API_KEY set, the shipped
// calendar-update skill works at once, and a route that private steps can never use is reported with the
// exact YAML that fixes it, also for a model that comes from a preset.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, runCli, tempHome } from './helpers/cli.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { shippedPresetsDir } from '../src/config/load-presets.js';

const provider = useFakeProvider();
const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

/** A clean HOME whose own openrouter preset points at the fake (a user's presets folder wins over the shipped one). */
function newcomer(extraPresets: Record<string, string> = {}): { home: string; env: Record<string, string> } {
  const home = tempHome();
  homes.push(home);
  const presets = path.join(home, '.config', 'portai', 'providers');
  fs.mkdirSync(presets, { recursive: true });
  const shipped = fs.readFileSync(path.join(shippedPresetsDir(), 'openrouter.yaml'), 'utf8');
  fs.writeFileSync(path.join(presets, 'openrouter.yaml'), shipped.replace('https://openrouter.ai/api/v1', `${provider.url}/api/v1`));
  for (const [name, text] of Object.entries(extraPresets)) fs.writeFileSync(path.join(presets, `${name}.yaml`), text);
  return { home, env: baseEnv(home, { OPENROUTER_API_KEY: 'sk-or-newcomer-0123456789' }) };
}

describe('portai init, then doctor and calendar-update, with only OPENROUTER_API_KEY', () => {
  it('doctor is green: the plans without keys are information, not problems', async () => {
    const { home, env } = newcomer();
    expect((await runCli(['init'], { cwd: home, env })).code).toBe(0);
    const doctor = await runCli(['doctor'], { cwd: home, env });
    expect(doctor.stdout).toMatch(/^info +zai-coding: key ZAI_API_KEY is not set/m);
    expect(doctor.stdout).toMatch(/^info +opencode-go: key OPENCODE_API_KEY is not set/m);
    expect(doctor.stdout).toMatch(/^ok +openrouter: key OPENROUTER_API_KEY is set$/m);
    expect(doctor.stdout).toMatch(/^info +calendar default: calendar steps write to .*state\/calendar\.ics/m);
    expect(doctor.stdout).not.toMatch(/^(problem|warn)/m);
    expect(doctor.stdout).toMatch(/all good\n$/);
    expect(doctor.code).toBe(0);
  });

  it('without any config file the built-in default is green too, and calendar-update works with it', async () => {
    const { home, env } = newcomer();
    const doctor = await runCli(['doctor'], { cwd: home, env });
    expect(doctor.stdout).not.toMatch(/^(problem|warn)/m);
    expect(doctor.code).toBe(0);
    provider.enqueue({ text: JSON.stringify({ title: 'Gym', start: '2026-12-05T08:00:00+00:00', end: '2026-12-05T09:00:00+00:00' }) });
    const run = await runCli(['run', 'skill', 'calendar-update', '-i', 'request=gym on Saturday at 8'], { cwd: home, env });
    expect(run.code).toBe(0);
    expect(fs.readFileSync(path.join(env.PORTAI_HOME, 'calendar.ics'), 'utf8')).toContain('SUMMARY:Gym');
  });

  it('a route left with no keyed candidate at all is still a problem', async () => {
    const { home, env } = newcomer();
    expect((await runCli(['init'], { cwd: home, env })).code).toBe(0);
    const doctor = await runCli(['doctor'], { cwd: home, env: { ...env, OPENROUTER_API_KEY: undefined } });
    expect(doctor.stdout).toMatch(/^problem +no catch-all candidate \(routes\[1\]\) has its key set \(OPENROUTER_API_KEY\): a step routed there stops with exit 2$/m);
    expect(doctor.code).toBe(1);
  });

  it('calendar-update saves the event to calendar.ics in the state folder', async () => {
    const { home, env } = newcomer();
    expect((await runCli(['init'], { cwd: home, env })).code).toBe(0);
    provider.enqueue({ text: JSON.stringify({ title: 'Dentist', start: '2026-12-04T15:00:00+00:00', end: '2026-12-04T16:00:00+00:00' }) });
    const run = await runCli(['run', 'skill', 'calendar-update', '-i', 'request=dentist on Friday at 3pm'], { cwd: home, env });
    expect(run.stderr).not.toMatch(/portai: /);
    expect(run.code).toBe(0);
    const ics = fs.readFileSync(path.join(env.PORTAI_HOME, 'calendar.ics'), 'utf8');
    expect(ics).toContain('SUMMARY:Dentist');
    expect(ics).toContain('20261204T150000');
  });
});

const PLAN_PRESET = `# a plan whose terms say nothing about training
name: myplan
description: a subscription plan of unknown terms
family: generic
wire: openai-chat
base_urls: {}
auth: bearer
billing: subscription
models:
  - id: glm-4.7
    trains_on_data: unknown
  - id: glm-5.1
`;

const THINK_SKILL = `name: ponder
outcome: A careful answer to the question.
privacy: private
inputs:
  question: { type: string }
steps:
  - id: think
    effort: high
    prompt: Think hard about {{question}}.
`;

describe('a route that private steps can never use', () => {
  function setUp() {
    const { home, env } = newcomer({ myplan: PLAN_PRESET });
    fs.mkdirSync(path.join(home, 'skills'));
    fs.writeFileSync(path.join(home, 'skills', 'ponder.yaml'), THINK_SKILL);
    const config = `skills: ./skills
providers:
  myplan:
    preset: myplan
    base_url: ${provider.url}/v1
    api_key_env: PLAN_KEY
  openrouter: { preset: openrouter }
routes:
  - when: { effort: high }
    use: [myplan/*]
  - use: [openrouter/*]
`;
    fs.writeFileSync(path.join(home, 'portai.yaml'), config);
    return { home, env: { ...env, PLAN_KEY: 'plan-key-0123456789' }, config };
  }

  it('doctor names each refused model and the YAML to add; the dry run says the same and exits 3', async () => {
    const { home, env } = setUp();
    const file = path.join(home, 'portai.yaml');
    const doctor = await runCli(['doctor'], { cwd: home, env });
    expect(doctor.stdout).toContain('problem  every high-effort candidate (routes[0]) is refused for private skills: myplan/glm-4.7 trains_on_data is unknown, myplan/glm-5.1 trains_on_data is unknown');
    const yaml = 'providers: { myplan: { models: [{ id: glm-4.7, trains_on_data: false }, { id: glm-5.1, trains_on_data: false }] } }';
    expect(doctor.stdout).toContain(`add to ${file}: ${yaml}`);
    expect(doctor.code).toBe(1);

    const dry = await runCli(['run', 'skill', 'ponder', '-i', 'question=why', '--dry-run'], { cwd: home, env });
    expect(dry.stdout).toContain('myplan/glm-4.7 — privacy: glm-4.7 may train on prompts (trains_on_data unknown)');
    expect(dry.stderr).toContain('every candidate of routes[0] when effort=high → myplan/* is refused for private skills');
    expect(dry.code).toBe(3);
    expect(provider.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('once the config states the facts the doctor finding is gone and the dry run plans the step', async () => {
    const { home, env, config } = setUp();
    fs.writeFileSync(path.join(home, 'portai.yaml'), config.replace('    api_key_env: PLAN_KEY\n', '    api_key_env: PLAN_KEY\n    models: [{ id: glm-4.7, trains_on_data: false }, { id: glm-5.1, trains_on_data: false }]\n'));
    const doctor = await runCli(['doctor', '--json'], { cwd: home, env });
    expect(JSON.parse(doctor.stdout).filter((finding: { text: string }) => finding.text.includes('refused for private skills'))).toEqual([]);
    const dry = await runCli(['run', 'skill', 'ponder', '-i', 'question=why', '--dry-run'], { cwd: home, env });
    expect(dry.stdout).toMatch(/1\. myplan\/glm-4\.7 \(subscription/);
    expect(dry.code).toBe(0);
  });
});
