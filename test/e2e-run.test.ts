// End to end: the built CLI as a child process, a real loopback provider, a real ledger file.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-local-e2e-5c1f0a9b7d3e2f4a6b8c';
const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

function setup(routes = 'routes:\n  - use: [local/*]\n', skills: Record<string, string> = { greet: HELLO_SKILL }): Workspace {
  workspace = createWorkspace(localConfig(provider.url, routes), skills, { LOCAL_KEY: KEY });
  return workspace;
}

const chatRequests = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));

describe('portai run skill', () => {
  it('renders the prompt, sends it with the outcome as system message, prints the answer and records the run', async () => {
    setup();
    provider.enqueue({ text: 'Hello, Ada!', usage: { input_tokens: 30, output_tokens: 4 } });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hello, Ada!\n');
    const [request] = chatRequests();
    const body = request.body as { model: string; messages: Array<{ role: string; content: string }> };
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(body.model).toBe('small-model');
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain("A one-line friendly greeting that uses the person's name.");
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Say hello to Ada in one line.' });

    const runs = await workspace.run(['runs', 'list', '--json']);
    const list = JSON.parse(runs.stdout) as Array<{ id: string; skill: string; status: string; started_utc: string; finished_utc: string }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ skill: 'greet', status: 'ok' });
    expect(Object.keys(list[0]).sort()).toEqual(['finished_utc', 'id', 'skill', 'started_utc', 'status']);
    const shown = await workspace.run(['runs', 'show', list[0].id, '--json']);
    const run = JSON.parse(shown.stdout) as { output: unknown; attempts: Array<{ provider: string; model: string; status: string; input_tokens: number }> };
    expect(run.output).toBe('Hello, Ada!');
    expect(run.attempts).toHaveLength(1);
    expect(run.attempts[0]).toMatchObject({ provider: 'local', model: 'small-model', status: 'ok', input_tokens: 30 });
  });

  it('--json prints the result object of DESIGN.md', async () => {
    setup();
    provider.enqueue({ text: 'Hi Bo', usage: { input_tokens: 12, output_tokens: 3 } });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bo', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(Object.keys(parsed).sort()).toEqual(['output', 'run_id', 'skill', 'status', 'steps']);
    expect(parsed).toMatchObject({ skill: 'greet', status: 'ok', output: 'Hi Bo' });
    expect(parsed.steps).toHaveLength(1);
    expect(Object.keys(parsed.steps[0]).sort()).toEqual(['attempts', 'cost_usd', 'duration_ms', 'id', 'input_tokens', 'model', 'output_tokens', 'provider']);
    expect(parsed.steps[0]).toMatchObject({ id: 'say', provider: 'local', model: 'small-model', attempts: 1, input_tokens: 12, output_tokens: 3, cost_usd: 0 });
  });

  it('a schema step with invalid output gets exactly one repair request quoting the errors, then passes', async () => {
    setup(undefined, {
      extract: `name: extract
outcome: The event as JSON.
privacy: public
inputs:
  request: { type: string }
steps:
  - id: event
    prompt: "Extract: {{request}}"
    schema:
      type: object
      required: [title, start]
      properties: { title: { type: string }, start: { type: string, format: date-time } }
`,
    });
    provider.enqueue({ text: 'Sure! {"title": "Dentist"}' }, { json: { title: 'Dentist', start: '2026-12-04T15:00:00+00:00' } });
    const result = await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist friday 3pm']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ title: 'Dentist', start: '2026-12-04T15:00:00+00:00' });
    const requests = chatRequests();
    expect(requests).toHaveLength(2);
    const repair = requests[1].body as { messages: Array<{ role: string; content: string }> };
    expect(repair.messages.map((message) => message.content).join('\n')).toContain('start');
    expect((requests[0].body as { response_format?: unknown }).response_format).toEqual({ type: 'json_object' });
  });

  it('falls to the next candidate when the first model is gone, and reports both attempts', async () => {
    setup();
    provider.enqueue({ model: 'small-model', status: 404, body: { error: { code: 404, message: 'No endpoints found for small-model.' } } }, { model: 'other-model', text: 'from the second' });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cy', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.output).toBe('from the second');
    expect(parsed.steps[0]).toMatchObject({ model: 'other-model', attempts: 2 });
    // the gone model is now skipped without a request
    provider.enqueue({ text: 'again' });
    const again = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cy', '--json']);
    expect(JSON.parse(again.stdout).steps[0]).toMatchObject({ model: 'other-model', attempts: 1 });
    expect(chatRequests().map((request) => (request.body as { model: string }).model)).toEqual(['small-model', 'other-model', 'other-model']);
  });

  it('exit 3 and nothing sent when the only candidate is metered and the budget is $0', async () => {
    setup('routes:\n  - use: [paid/pricey]\n');
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Di']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('spend');
    expect(result.stderr).toContain('budget');
    expect(chatRequests()).toHaveLength(0);
  });

  it('exit 1 when every candidate fails after sending, naming each failure', async () => {
    setup();
    provider.reply(() => ({ html: true }));
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad_response');
    expect(result.stderr).not.toContain('    at ');
    expect(chatRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('an unreachable provider is exit 1 with "cannot reach", no stack trace', async () => {
    workspace = createWorkspace(localConfig('http://127.0.0.1:9', 'routes:\n  - use: [local/small-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: KEY });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Fa']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach');
    expect(result.stderr).not.toContain('    at ');
  });

  it('--dry-run prints each step plan with rejected candidates and sends nothing, without keys', async () => {
    setup('routes:\n  - use: [paid/pricey, local/*]\n');
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Gu', '--dry-run'], { env: { LOCAL_KEY: undefined } });
    // the plan needs no keys; the exit code is what the real run would do without them
    expect(result.stderr).toContain('portai: the real run would stop at step say (exit 2):');
    expect(result.stderr).toContain('LOCAL_KEY is not set');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('local/small-model');
    expect(result.stdout).toMatch(/paid\/pricey.*spend/);
    expect(provider.requests).toHaveLength(0);
  });

  it('streams the final step text with --stream', async () => {
    setup();
    provider.enqueue({ text: 'streamed hello to you' });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Hu', '--stream']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('streamed hello to you\n');
    expect((chatRequests()[0].body as { stream?: boolean }).stream).toBe(true);
  });

  it('the API key never appears in output, errors or the ledger', async () => {
    setup();
    provider.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
    provider.enqueue({ text: 'ok' });
    const failed = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Io', '--json']);
    const shown = await workspace.run(['runs', 'list', '--json']);
    const id = JSON.parse(shown.stdout)[0].id;
    const details = await workspace.run(['runs', 'show', id]);
    const usage = await workspace.run(['usage', '--json']);
    for (const text of [failed.stdout, failed.stderr, details.stdout, details.stderr, usage.stdout, workspace.ledgerBytes()]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(8));
    }
    expect(workspace.ledgerBytes().length).toBeGreaterThan(1000);
  });
});

describe('bad input: exit 2, a clear message, nothing sent', () => {
  const cases: Array<{ name: string; skill?: string; args?: string[]; env?: Record<string, string | undefined>; expect: RegExp }> = [
    { name: 'malformed YAML', skill: 'name: greet\noutcome: x\nsteps:\n  - id: a\n    prompt: [unclosed\n', expect: /greet\.yaml:\d+:\d+/ },
    { name: 'an unknown key', skill: `${HELLO_SKILL}colour: blue\n`, expect: /greet\.yaml:\d+:\d+.*unknown field 'colour'/ },
    { name: 'a wrong type', skill: HELLO_SKILL.replace('privacy: public', 'privacy: [public]'), expect: /greet\.yaml:\d+:\d+.*privacy/ },
    { name: 'a missing input', args: [], expect: /name/ },
    { name: 'an unknown input', args: ['-i', 'name=a', '-i', 'colour=blue'], expect: /colour/ },
    { name: 'a template variable that is not an input', skill: HELLO_SKILL.replace('{{name}}', '{{nmae}}'), expect: /nmae/ },
    { name: 'a missing API key', env: { LOCAL_KEY: undefined }, expect: /LOCAL_KEY/ },
    { name: 'an unknown skill', args: ['-i', 'name=a'], expect: /nosuch/ },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: testCase.skill ?? HELLO_SKILL }, { LOCAL_KEY: KEY });
      const skill = testCase.name === 'an unknown skill' ? 'nosuch' : 'greet';
      const result = await workspace.run(['run', 'skill', skill, ...(testCase.args ?? ['-i', 'name=a'])], { env: testCase.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(testCase.expect);
      expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(result.stderr).not.toContain('    at ');
      expect(provider.requests).toHaveLength(0);
    });
  }

  it('a broken sibling skill does not stop another skill from running', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL, broken: 'name: [' }, { LOCAL_KEY: KEY });
    provider.enqueue({ text: 'fine' });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=a']);
    expect(result.code).toBe(0);
    const validate = await workspace.run(['skills', 'validate']);
    expect(validate.code).toBe(2);
    expect(validate.stdout).toContain('broken.yaml');
  });
});
