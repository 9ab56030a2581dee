// `runs show`: each step's rendered prompt (declared env secrets redacted before they are stored) and every
// attempt with its model, status, tokens, cost and time.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-local-show-9e8d7c6b5a4f3e2d';
const SECRET = 'tok-3f9a1c7e5b2d8f4a6c0e';
const provider = useFakeProvider();
let workspace: Workspace;
afterEach(() => workspace?.cleanup());

const SKILL = `name: notes
outcome: A one-line note for the named project.
privacy: public
env: [NOTES_TOKEN]
inputs:
  project: { type: string }
steps:
  - id: note
    prompt: "Write a note for {{project}}. (Token for the notes service: {{env.NOTES_TOKEN}}.)"
`;

describe('portai runs show', () => {
  it('prints the rendered prompt with env values redacted, and each attempt with model, status, tokens, cost and time', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model, local/other-model]\n'), { notes: SKILL }, { LOCAL_KEY: KEY, NOTES_TOKEN: SECRET });
    provider.enqueue({ model: 'small-model', status: 400, body: { error: { message: 'bad request', code: 400 } } }, { model: 'other-model', text: 'Apollo: ship it.', usage: { input_tokens: 41, output_tokens: 5 } });
    const run = await workspace.run(['run', 'skill', 'notes', '-i', 'project=Apollo', '--json']);
    expect(run.code).toBe(0);
    const runId = (JSON.parse(run.stdout) as { run_id: string }).run_id;
    // the provider got the real value: redaction is only for what portai keeps
    const sent = provider.requests.filter((request) => request.path.endsWith('/chat/completions')).map((request) => JSON.stringify(request.body));
    expect(sent.every((body) => body.includes(SECRET))).toBe(true);

    const text = await workspace.run(['runs', 'show', runId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  system prompt:\n    | ');
    expect(text.stdout).toContain('  user prompt:\n    | Write a note for Apollo. (Token for the notes service: [redacted env.NOTES_TOKEN].)\n');
    expect(text.stdout).toMatch(/ {2}attempt 1: local\/small-model error · tokens not reported · \$0\.000000 · \d{4}-\d\d-\d\dT[\d:.]+Z, \d+ ms · bad_request \(HTTP 400\): /);
    expect(text.stdout).toMatch(/ {2}attempt 2: local\/other-model ok · 41\+5 tokens · \$0\.000000 · \d{4}-\d\d-\d\dT[\d:.]+Z, \d+ ms\n/);

    const json = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout) as { prompts: Array<{ step_id: string; messages: Array<{ role: string; content: string }> }> };
    expect(json.prompts).toHaveLength(1);
    expect(json.prompts[0].step_id).toBe('note');
    expect(json.prompts[0].messages.at(-1)).toEqual({ role: 'user', content: 'Write a note for Apollo. (Token for the notes service: [redacted env.NOTES_TOKEN].)' });
    for (const output of [text.stdout, JSON.stringify(json), workspace.ledgerBytes()]) expect(output).not.toContain(SECRET);
  });

  it('--dry-run prints the prompt with env values redacted too (dry-run output lands in CI logs)', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { notes: SKILL }, { LOCAL_KEY: KEY, NOTES_TOKEN: SECRET });
    for (const args of [['--dry-run'], ['--dry-run', '--json']]) {
      const result = await workspace.run(['run', 'skill', 'notes', '-i', 'project=Apollo', ...args]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Token for the notes service: [redacted env.NOTES_TOKEN].');
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
    expect(provider.requests).toHaveLength(0);
  });
});
