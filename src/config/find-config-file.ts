// Which config file applies: --config, then $PORTAI_CONFIG, then ./portai.yaml, then
// ~/.config/portai/config.yaml; null means the built-in default.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../errors.js';

export interface FindConfigOptions {
  flag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function findConfigFile(options: FindConfigOptions): string | null {
  // A file the user named explicitly must exist: silently falling back would run with another config.
  if (options.flag) return mustExist(path.resolve(options.cwd, expandHome(options.flag, options.env)), '--config');
  const fromEnv = options.env.PORTAI_CONFIG;
  if (fromEnv) return mustExist(path.resolve(options.cwd, expandHome(fromEnv, options.env)), '$PORTAI_CONFIG');
  const local = path.join(options.cwd, 'portai.yaml');
  if (isFile(local)) return local;
  const user = path.join(homeOf(options.env), '.config', 'portai', 'config.yaml');
  if (isFile(user)) return user;
  return null;
}

/** $HOME from the given environment first, so tests and sandboxes stay hermetic. */
export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

export function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  if (file === '~') return homeOf(env);
  return file.startsWith('~/') ? path.join(homeOf(env), file.slice(2)) : file;
}

function mustExist(file: string, source: string): string {
  if (!isFile(file)) {
    throw new BadInputError(`config file not found: ${file} (named by ${source})`, {
      hint: 'check the path, or run `portai init` to write a starter portai.yaml',
    });
  }
  return file;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
