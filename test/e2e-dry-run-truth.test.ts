// A dry run tells the truth (issue 12): for each broken setup, `run --dry-run` and the real run of the same
// skill, both as child processes against the loopback fake, exit with the same code and name the same first
// step that cannot go ahead. The dry run still prints its plan and sends nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-local-dry-truth-7e2b9c4d1a';
const provider = useFakeProvider();
let workspace: Workspace | undefined;
afterEach(() => workspace?.cleanup());

const CALENDAR_SKILL = `name: book
outcome: The calendar holds the event asked for.
privacy: public
inputs:
  request: { type: string }
  calendar: { type: string, default: work }
steps:
  - id: extract
    prompt: Turn {{request}} into an event.
    schema: { type: object, required: [title, start, end], properties: { title: { type: string }, start: { type: string }, end: { type: string } } }
  - id: save
    calendar: { action: upsert, target: "{{calendar}}", event: "{{json steps.extract}}" }
`;

const PRIVATE_SKILL = HELLO_SKILL.replace('privacy: public', 'privacy: private');

// the first step runs on the free model; the second, high effort, may only use the metered one
const TWO_STEP_SKILL = `name: draft
outcome: A short plan and a careful review of it.
privacy: public
inputs:
  topic: { type: string }
steps:
  - id: outline
    prompt: Outline {{topic}}.
  - id: review
    effort: high
    prompt: Review the outline {{steps.outline}}.
`;

interface Setup {
  name: string;
  routes: string;
  skill: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** what the real run is answered with before it stops */
  answers?: string[];
  exit: number;
  step: string;
}

const SETUPS: Setup[] = [
  { name: 'missing key', routes: 'routes:\n  - use: [local/*]\n', skill: HELLO_SKILL, args: ['greet', '-i', 'name=Ann'], env: { LOCAL_KEY: undefined }, exit: 2, step: 'say' },
  { name: 'missing calendar target', routes: 'routes:\n  - use: [local/*]\n', skill: CALENDAR_SKILL, args: ['book', '-i', 'request=dentist at 3'], exit: 2, step: 'save' },
  { name: 'every candidate refused by privacy', routes: 'routes:\n  - use: [local/*]\n', skill: PRIVATE_SKILL, args: ['greet', '-i', 'name=Bea'], exit: 3, step: 'say' },
  {
    name: 'budget $0 with only metered models for a later step',
    routes: 'routes:\n  - when: { effort: high }\n    use: [paid/pricey]\n  - use: [local/*]\n',
    skill: TWO_STEP_SKILL,
    args: ['draft', '-i', 'topic=tea'],
    // admission: a later step that cannot go stops the run before its first request, so nothing is sent at all
    answers: [],
    exit: 3,
    step: 'review',
  },
];

/** The step the first `portai:` line of stderr names. */
function namedStep(stderr: string): string | undefined {
  const line = stderr.split('\n').find((text) => text.startsWith('portai: ') && /\bstep [\w-]+/.test(text));
  return line?.match(/\bstep ([\w-]+)/)?.[1];
}

const skillName = (yaml: string) => /^name: (\S+)/m.exec(yaml)?.[1] ?? '';

describe('a dry run and the real run agree on the first step that cannot go ahead', () => {
  for (const setup of SETUPS) {
    it(setup.name, async () => {
      workspace = createWorkspace(localConfig(provider.url, setup.routes), { [skillName(setup.skill)]: setup.skill }, { LOCAL_KEY: KEY });
      const dry = await workspace.run(['run', 'skill', ...setup.args, '--dry-run'], { env: setup.env });
      expect(provider.requests.filter((request) => request.method === 'POST')).toEqual([]);
      expect(dry.stdout).toMatch(/^dry run of \S+: nothing is sent$/m);
      expect(dry.stderr).toContain(`the real run would stop at step ${setup.step} (exit ${setup.exit})`);

      for (const text of setup.answers ?? []) provider.enqueue({ text });
      const real = await workspace.run(['run', 'skill', ...setup.args], { env: setup.env });

      expect({ exit: dry.code, step: namedStep(dry.stderr) }).toEqual({ exit: setup.exit, step: setup.step });
      expect({ exit: real.code, step: namedStep(real.stderr) }).toEqual({ exit: dry.code, step: namedStep(dry.stderr) });
      // the real run sent only what came before the broken step
      expect(provider.requests.filter((request) => request.method === 'POST')).toHaveLength(setup.answers?.length ?? 0);
    });
  }

  it('a healthy setup: both exit 0', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: KEY });
    const dry = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cy', '--dry-run']);
    expect(dry.stderr).not.toContain('would stop');
    expect(dry.code).toBe(0);
    provider.enqueue({ text: 'Hi Cy' });
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cy'])).code).toBe(0);
  });

  it('--dry-run --json names the stop too', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { book: CALENDAR_SKILL }, { LOCAL_KEY: KEY });
    const dry = await workspace.run(['run', 'skill', 'book', '-i', 'request=x', '--dry-run', '--json']);
    expect(dry.code).toBe(2);
    const parsed = JSON.parse(dry.stdout);
    expect(parsed.stops_at).toMatchObject({ step: 'save', exit_code: 2 });
    expect(parsed.stops_at.problem[0]).toContain("unknown calendar target 'work'");
    expect(parsed.plans.map((plan: { step: string }) => plan.step)).toEqual(['extract']);
  });
});
