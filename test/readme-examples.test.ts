// The README's examples are what a newcomer copies: the config and skill examples must load as written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { loadSkillTests } from '../src/evals/index.js';
import { repoRoot } from './helpers/cli.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-readme-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function loadConfigText(name: string, text: string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return loadConfig({ flag: file, env: { HOME: dir }, cwd: dir });
}

describe('README examples', () => {
  const configs = yamlBlocks.filter((block) => /^providers:/m.test(block) && /^routes:/m.test(block));
  const skills = yamlBlocks.filter((block) => /^name: /m.test(block) && /^steps:/m.test(block));

  it('has the examples this test checks', () => {
    expect(configs.length).toBeGreaterThanOrEqual(2);
    expect(skills.length).toBeGreaterThanOrEqual(1);
  });

  it('every config example loads, and none of them can pay per token without a budget', () => {
    configs.forEach((text, index) => {
      const config = loadConfigText(`config-${index}.yaml`, text);
      expect(Object.keys(config.providers).length).toBeGreaterThan(0);
      expect(config.budget.usd_per_day).toBe(0);
    });
  });

  it('every skill example validates', () => {
    skills.forEach((text, index) => {
      const file = path.join(dir, `skill-${index}.yaml`);
      fs.writeFileSync(file, text);
      expect(loadSkill(file).steps.length).toBeGreaterThan(0);
      // a tests: block in an example loads as written too
      if (/^tests:/m.test(text)) expect(loadSkillTests(loadSkill(file))?.cases.length).toBeGreaterThan(0);
    });
  });
});
