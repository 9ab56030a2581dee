// portai eval end to end: the real CLI against a loopback provider whose four models answer differently —
// one right, one wrong, one with malformed JSON, one 429ing — and a real ledger file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { xml2js } from 'xml-js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { repoRoot } from './helpers/cli.js';
import { Ledger } from '../src/ledger/index.js';
import { loadSkill } from '../src/skills/index.js';
import { skillEvidence } from '../src/evals/index.js';

const provider = useFakeProvider();
let workspace: Workspace;
afterEach(() => workspace?.cleanup());

const config = (origin: string, limits = '') => `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  local:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
${limits}    models:
      - { id: right, context: 32000 }
      - { id: wrong, context: 32000 }
      - { id: broken, context: 32000 }
      - { id: busy, context: 32000 }
routes:
  - use: [local/*]
`;

const SKILL = `name: extract
outcome: The event the user asked for, as JSON.
privacy: public
inputs:
  request: { type: string }
steps:
  - id: parse
    prompt: "Turn this into an event: {{request}}"
    schema:
      type: object
      required: [title, start]
      properties:
        title: { type: string }
        start: { type: string }
tests:
  cases:
    - id: dentist
      inputs: { request: dentist at 3pm }
      assert:
        - { type: json-schema }
        - { type: json-path, path: $.title, contains: Dentist }
        - { type: max-length, value: 500 }
  render:
    - { id: shows-request, inputs: { request: dentist at 3pm }, expect_contains: ["Turn this into an event: dentist at 3pm"] }
`;

function answerByModel(): void {
  provider.reply((request) => {
    if (request.model === 'right') return { json: { title: 'Dentist', start: '2026-03-06T15:00:00Z' }, served_model: 'right-v2' };
    if (request.model === 'wrong') return { json: { title: 'Meeting', start: '2026-03-06T15:00:00Z' } };
    if (request.model === 'broken') return { text: '{"title": "Dentist", "start": ' };
    return { status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'rate limited, try later' } } };
  });
}

describe('portai eval', () => {
  it('prints the matrix: right passes, wrong and malformed fail, a 429 is not run; evidence goes to the ledger under the served model', async () => {
    workspace = createWorkspace(config(provider.url), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    answerByModel();
    const result = await workspace.run(['eval', 'extract', '--repeat', '2', '--junit', 'report.xml']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^case\s+local\/right\s+local\/wrong\s+local\/broken\s+local\/busy$/);
    const row = lines.find((line) => line.startsWith('dentist'));
    expect(row).toMatch(/pass 2\/2\s+FAIL 0\/2\s+FAIL 0\/2\s+not run/);
    expect(lines.find((line) => line.startsWith('pass rate'))).toMatch(/100% of 2\s+0% of 2\s+0% of 2\s+-/);
    // Wilson 95% lower bound of 2/2: 0.34
    expect(lines.find((line) => line.startsWith('lower bound'))).toMatch(/0\.34\s+0\.00\s+0\.00\s+-/);
    expect(result.stdout).toContain('render shows-request: pass');
    expect(result.stderr).toContain('dentist on local/busy: not run');

    // busy: one request (429 with a long retry-after falls through), then its block keeps the repeat from sending
    const busy = provider.requests.filter((request) => (request.body as { model?: string })?.model === 'busy');
    expect(busy).toHaveLength(1);

    const ledger = new Ledger(path.join(workspace.state, 'ledger.db'));
    try {
      const rows = ledger.evalResultsOf('extract');
      expect(rows).toHaveLength(8);
      expect(rows.filter((row) => row.candidate === 'local/right').map((row) => [row.served_model, row.status])).toEqual([['right-v2', 'pass'], ['right-v2', 'pass']]);
      expect(rows.filter((row) => row.candidate === 'local/busy').every((row) => row.status === 'not_run')).toBe(true);
      const skillFile = path.join(workspace.dir, 'skills', 'extract.yaml');
      const evidence = skillEvidence(ledger, loadSkill(skillFile), Date.now());
      expect(evidence.models.find((model) => model.model === 'right-v2')).toMatchObject({ passed: 2, failed: 0 });
      expect(evidence.stale).toBe(0);

      // a changed prompt is another skill version: the old results no longer speak for it
      fs.writeFileSync(skillFile, SKILL.replace('Turn this into an event', 'Make this an event'));
      const edited = skillEvidence(ledger, loadSkill(skillFile), Date.now());
      expect(edited.fresh).toHaveLength(0);
      expect(edited.stale).toBe(6);
      // and so is age: 31 days on, nothing is fresh either
      expect(skillEvidence(ledger, loadSkill(path.join(workspace.dir, 'skills', 'extract.yaml')), Date.now() + 31 * 86_400_000).fresh).toHaveLength(0);
    } finally {
      ledger.close();
    }

    const xml = fs.readFileSync(path.join(workspace.dir, 'report.xml'), 'utf8');
    const parsed = xml2js(xml, { compact: false }) as { elements: Array<{ name: string; elements: Array<{ name: string; attributes: Record<string, string> }> }> };
    const suites = parsed.elements[0].elements;
    expect(parsed.elements[0].name).toBe('testsuites');
    expect(suites.map((suite) => [suite.attributes.name, suite.attributes.tests, suite.attributes.failures, suite.attributes.skipped])).toEqual([
      ['extract on local/right', '2', '0', '0'],
      ['extract on local/wrong', '2', '2', '0'],
      ['extract on local/broken', '2', '2', '0'],
      ['extract on local/busy', '2', '0', '2'],
      ['extract render', '1', '0', '0'],
    ]);
  });

  it('--json and --models: one candidate, the report as one object; exit 0 when every case passed', async () => {
    workspace = createWorkspace(config(provider.url), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    answerByModel();
    const result = await workspace.run(['eval', 'extract', '--models', 'local/right', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.candidates).toEqual(['local/right']);
    expect(report.summary[0]).toMatchObject({ candidate: 'local/right', passed: 1, failed: 0, not_run: 0, pass_rate: 1 });
    expect(report.runs[0].checks.map((check: { type: string; pass: boolean }) => [check.type, check.pass])).toEqual([['json-schema', true], ['json-path', true], ['max-length', true]]);
  });

  it('--dry-run sends nothing and prints the requests per provider beside what the quota leaves', async () => {
    workspace = createWorkspace(config(provider.url, '    limits: { requests_per_day: 5 }\n'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    const result = await workspace.run(['eval', 'extract', '--repeat', '3', '--dry-run']);
    expect(result.code).toBe(0);
    expect(provider.requests).toHaveLength(0);
    expect(result.stdout).toContain('local: 12 requests');
    const junit = await workspace.run(['eval', 'extract', '--junit', 'missing/report.xml']);
    expect(junit.code).toBe(2);
    expect(junit.stderr).toContain('does not exist');
    expect(provider.requests).toHaveLength(0);
    expect(result.stdout).toContain('day (UTC): 5 requests left of 5');
  });

  it('every eval request passes the quota guard: a day limit of 3 stops the matrix, the rest is not run', async () => {
    workspace = createWorkspace(config(provider.url, '    limits: { requests_per_day: 3 }\n'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    provider.reply(() => ({ json: { title: 'Dentist', start: 'x' } }));
    const result = await workspace.run(['eval', 'extract', '--models', 'local/right', '--repeat', '5', '--json']);
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(3);
    const report = JSON.parse(result.stdout);
    expect(report.summary[0]).toMatchObject({ passed: 3, not_run: 2 });
    expect(result.code).toBe(0);
  });

  it('refuses code-like or catastrophic tests before anything is sent (exit 2, file, line, field)', async () => {
    workspace = createWorkspace(config(provider.url), { extract: SKILL.replace(/tests:[\s\S]*$/, '') }, { LOCAL_KEY: 'k-local' });
    fs.writeFileSync(path.join(workspace.dir, 'skills', 'extract.tests.yaml'), 'cases:\n  - id: evil\n    inputs: { request: x }\n    assert:\n      - { type: regex, pattern: "(a+)+$" }\n');
    const regex = await workspace.run(['eval', 'extract']);
    expect(regex.code).toBe(2);
    expect(regex.stderr).toMatch(/extract\.tests\.yaml:5.*cases\[0\]\.assert\[0\]\.pattern/);
    expect(regex.stderr).toContain('regex refused');

    fs.writeFileSync(path.join(workspace.dir, 'skills', 'extract.tests.yaml'), 'cases:\n  - id: evil\n    inputs: { request: x }\n    assert:\n      - { type: javascript, code: "process.exit(9)" }\n');
    const code = await workspace.run(['eval', 'extract']);
    expect(code.code).toBe(2);
    expect(code.stderr).toMatch(/extract\.tests\.yaml:5/);
    expect(provider.requests).toHaveLength(0);

    // the tests file is not a skill of its own, and skills validate checks it
    fs.writeFileSync(path.join(workspace.dir, 'skills', 'extract.tests.yaml'), 'cases:\n  - id: ok\n    step: nope\n    inputs: { request: x }\n    assert: [{ type: contains, value: a }]\n');
    const validate = await workspace.run(['skills', 'validate']);
    expect(validate.code).toBe(2);
    expect(validate.stdout).toMatch(/extract\.tests\.yaml:3.*no step 'nope'/);
    expect(validate.stdout).not.toContain('extract.tests ');
  });

  it("the shipped calendar-update tests pass for a model that answers right, and its save step never runs", async () => {
    workspace = createWorkspace(config(provider.url), {}, { LOCAL_KEY: 'k-local' });
    for (const name of ['calendar-update.yaml', 'calendar-update.tests.yaml']) fs.copyFileSync(path.join(repoRoot, 'skills', name), path.join(workspace.dir, 'skills', name));
    // the skill is private; this local provider keeps prompts
    fs.appendFileSync(path.join(workspace.dir, 'portai.yaml'), 'defaults: { privacy: public }\n');
    fs.writeFileSync(path.join(workspace.dir, 'skills', 'calendar-update.yaml'), fs.readFileSync(path.join(workspace.dir, 'skills', 'calendar-update.yaml'), 'utf8').replace('privacy: private\n', ''));
    provider.reply((request) => request.lastUserText.includes('dentist')
      ? { json: { title: 'Dentist', start: '2026-03-06T15:00:00+00:00', end: '2026-03-06T16:00:00+00:00' } }
      : { json: { title: 'Lunch with Sam', start: '2026-07-02T12:30:00+01:00', end: '2026-07-02T13:15:00+01:00' } });
    const result = await workspace.run(['eval', 'calendar-update', '--models', 'local/right']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dentist-on-friday\s+pass 1\/1/);
    expect(result.stdout).toMatch(/summer-time-offset\s+pass 1\/1/);
    expect(result.stdout).toContain('render today-and-zone-in-prompt: pass');
    expect(fs.existsSync(path.join(workspace.state, 'calendars'))).toBe(false);
  });

  it('quality: the router drops a candidate below the bar and an untested one under deny, and --dry-run says why', async () => {
    const skill = SKILL.replace('privacy: public\n', 'privacy: public\nquality: { min_pass_rate: 0.4, untested: deny }\n');
    workspace = createWorkspace(config(provider.url), { extract: skill }, { LOCAL_KEY: 'k-local' });
    answerByModel();
    // before any eval, nothing is tested: every candidate is refused
    const before = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(before.code).toBe(3);
    expect(before.stdout).toContain('local/right — quality: untested on extract (quality.untested: deny) (unblock: portai eval extract --models local/right)');

    // the 429ing model stays out: on this generic provider its 429 would pause the whole provider for an hour
    expect((await workspace.run(['eval', 'extract', '--repeat', '3', '--models', 'local/right,local/wrong,local/broken'])).code).toBe(1);
    const dry = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/1\. local\/right \(free.*— 3\/3 pass, lower bound 0\.44/);
    expect(dry.stdout).toContain('local/wrong — quality: 0/3 pass, lower bound 0.00 on extract, below min_pass_rate 0.4');
    expect(dry.stdout).toContain('local/broken — quality: 0/3 pass');
    // a model never tested has no evidence
    expect(dry.stdout).toContain('local/busy — quality: untested on extract');

    provider.reset();
    answerByModel();
    const real = await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist at 3pm', '--json']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout).steps[0].model).toBe('right');

    // a changed prompt is a new version: its evidence is gone, so deny refuses everything again
    workspace.writeSkill('extract', skill.replace('Turn this into an event', 'Make this an event'));
    const edited = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    expect(edited.code).toBe(3);
    expect(edited.stdout).toContain('local/right — quality: untested on extract');
  });

  it('quality untested: avoid tries tested candidates first', async () => {
    const skill = SKILL.replace('privacy: public\n', 'privacy: public\nquality: { untested: avoid }\n');
    workspace = createWorkspace(config(provider.url), { extract: skill }, { LOCAL_KEY: 'k-local' });
    answerByModel();
    expect((await workspace.run(['eval', 'extract', '--models', 'local/broken'])).code).toBe(1);
    const dry = await workspace.run(['run', 'skill', 'extract', '-i', 'request=x', '--dry-run']);
    const order = [...dry.stdout.matchAll(/\d\. (local\/\w+)/g)].map((match) => match[1]);
    expect(order).toEqual(['local/broken', 'local/right', 'local/wrong', 'local/busy']);
    expect(dry.stdout).toContain('local/right (free, est. $0.0000, worst $0.0000) — untested on this skill');
  });
});
