// {{steps.first.title}} when step first's output is text: the static check refuses it before anything is sent
// (first has no schema), and at run time (first's schema allows a string) portai's own error replaces Handlebars'
// wording. Both exit 2 and send nothing for the step. The CLI runs as a child process.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, type Workspace } from './helpers/workspace.js';

const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

const skill = (firstSchema: string) => `name: titled
description: Two steps, the second reads a field of the first.
outcome: A short title.
privacy: public
steps:
  - id: first
    prompt: Give a title.${firstSchema}
  - id: second
    prompt: "Shorten {{steps.first.title}}"
`;

function setup(yaml: string): Workspace {
  workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), { titled: yaml }, { LOCAL_KEY: 'sk-text-step-test' });
  return workspace;
}

const chatRequests = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));

describe('a field of a step whose output is text', () => {
  it('first has no schema: the static check refuses it, naming the file, the step, the variable and the fix; nothing is sent', async () => {
    const file = setup(skill('')).writeSkill('titled', skill(''));
    for (const args of [['run', 'skill', 'titled'], ['run', 'skill', 'titled', '--dry-run'], ['skills', 'validate', file]]) {
      const result = await workspace.run(args);
      // skills validate lists its findings on stdout
      const said = result.stdout + result.stderr;
      expect(result.code).toBe(2);
      expect(said).toContain(`${file}:9:5 (steps[1].prompt): step 'second': steps.first is text, not an object, so '{{steps.first.title}}' cannot be read`);
      expect(said).toContain('fix: give step first a `schema:` so its output is JSON, or use {{steps.first}}');
      expect(said).not.toContain("'in' operator");
    }
    expect(provider.requests).toHaveLength(0);
  });

  it("first's schema allows text and it returns text: exit 2 with portai's error, not Handlebars' wording; nothing is sent for second", async () => {
    setup(skill('\n    schema: { type: string }'));
    provider.enqueue({ text: '"Dentist on Friday at 3pm"' });
    const result = await workspace.run(['run', 'skill', 'titled']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("titled.yaml (steps[1].prompt): template variable 'steps.first.title': steps.first is text, not an object");
    expect(result.stderr).toContain('fix: give step first a `schema:` of type object so its output is a JSON object, or use {{steps.first}}');
    expect(result.stderr).not.toContain("'in' operator");
    expect(result.stderr).not.toContain('    at ');
    // the one request is first's; second was never sent
    expect(chatRequests()).toHaveLength(1);
    expect(JSON.stringify(chatRequests()[0].body)).toContain('Give a title.');
  });
});
