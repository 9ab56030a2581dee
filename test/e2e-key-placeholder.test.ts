// A key variable holding a pasted placeholder (`sk-or-…`) or a space cannot travel in an HTTP header: exit 2
// naming the variable and the fix, nothing sent — not a misleading "network" failure.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

describe('a key that no header can carry', () => {
  for (const key of ['sk-or-…', 'sk-local two words']) {
    it(`${JSON.stringify(key)}: exit 2 naming the variable, nothing sent, the value never printed`, async () => {
      workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: key });
      const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('LOCAL_KEY');
      expect(result.stderr).toContain('cannot carry');
      expect(result.stderr).not.toContain('network');
      expect(result.stderr).not.toContain(key);
      expect(provider.requests).toHaveLength(0);
    });
  }
});
