// `run skill --stream`: every character of the answer reaches stdout once.
// On a terminal the text appears as it arrives; when an attempt fails mid-stream and another attempt or
// candidate answers, stderr says so and the new answer starts after a marker line, so the reader sees
// which text counts. On a pipe or a file nothing can be taken back, so only the final answer is written,
// once, when the run is done: the bytes are exactly what `--json` reports as the output.
import type { Progress } from '../runner/progress.js';

export interface StreamOutput {
  /** the runner's onText */
  text(delta: string, attempt: number): void;
  /** before a progress line on the shared terminal: end the answer's line so the two do not run together */
  endLine(): void;
  /** after the run: true when the answer is already on stdout (the caller prints it otherwise) */
  finish(succeeded: boolean): boolean;
}

export const RESTART_MARKER = '--- the answer restarts ---';

type Out = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

export function createStreamOutput(stdout: Out, stderr: Pick<NodeJS.WriteStream, 'write'>): StreamOutput {
  if (!stdout.isTTY) return { text() {}, endLine() {}, finish: () => false };
  let attemptShown: number | undefined;
  let last = '';
  const endLine = () => {
    if (last === '' || last.endsWith('\n')) return;
    stdout.write('\n');
    last = '\n';
  };
  return {
    endLine,
    text(delta, attempt) {
      if (attemptShown !== undefined && attempt !== attemptShown && last !== '') {
        endLine();
        stderr.write('portai: that attempt failed mid-stream; the answer restarts below\n');
        stdout.write(`${RESTART_MARKER}\n`);
        last = '\n';
      }
      attemptShown = attempt;
      stdout.write(delta);
      if (delta !== '') last = delta;
    },
    finish(succeeded) {
      // a failed run's error lines (stderr) start on a line of their own
      endLine();
      return succeeded && last !== '';
    },
  };
}

/** Progress lines that first end a streamed line, when both share one terminal. */
export function besideStream(progress: Progress, stream: StreamOutput | undefined): Progress {
  if (!stream) return progress;
  return {
    step: (stepId, text) => (stream.endLine(), progress.step(stepId, text)),
    info: (text) => (stream.endLine(), progress.info(text)),
    warn: (text) => (stream.endLine(), progress.warn(text)),
  };
}
