// Progress lines on stderr while a skill runs. Quiet unless stderr is a terminal; warnings always show.
export interface Progress {
  step(stepId: string, text: string): void;
  info(text: string): void;
  warn(text: string): void;
}

export function createProgress(options: { stream?: NodeJS.WriteStream; verbose?: boolean; env?: NodeJS.ProcessEnv } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const verbose = options.verbose ?? Boolean(stream.isTTY);
  const color = verbose && Boolean(stream.isTTY) && !env.NO_COLOR;
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    step(stepId, text) {
      if (verbose) stream.write(`${paint('2', '·')} ${paint('1', stepId)} ${text}\n`);
    },
    info(text) {
      if (verbose) stream.write(`${paint('2', text)}\n`);
    },
    warn(text) {
      stream.write(`${paint('1;31', 'warning:')} ${text}\n`);
    },
  };
}

export const silentProgress: Progress = { step() {}, info() {}, warn() {} };
