// The skills module: load and check skill files, resolve inputs, render templates, build messages.
export { findSkillFile, listSkills, validateSkillFiles } from './find-skill.js';
export { loadSkill, requiredInputs } from './load-skill.js';
export { loadSkillRef } from './load-skill-ref.js';
export { skillHistory, fileAtCommit } from './git.js';
export { renderTemplate, parseTemplate, type RenderPlace } from './render.js';
export { staticCheck } from './static-check.js';
export { parseInputArgs } from './parse-input-args.js';
export { bindStdin, stdinTarget } from './stdin-input.js';
export { resolveInputs } from './resolve-inputs.js';
export { runTime, systemTimezone, type RunTime } from './run-time.js';
export { formatDate, DATE_PATTERNS } from './date-format.js';
export { buildMessages, repairMessages, jsonInstruction } from './messages.js';
export { parseStepOutput } from './parse-step-output.js';
export { extractJson } from './extract-json.js';
