// Standard input when it is piped or redirected and holds data; undefined for a terminal, a closed or empty
// stdin, or a pipe that sends nothing in time. The wait matters: an agent or a CI job that spawns portai
// often leaves stdin an open pipe that never sends anything nor closes, and reading it to the end would hang.
// Once the first byte arrives, it is read to the end, however long the producer takes.
export async function readPipedStdin(firstByteMs: number, stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const text = await new Promise<string | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    const finish = (value: string | undefined) => {
      clearTimeout(timer);
      stdin.removeAllListeners('data').removeAllListeners('end');
      // a pipe nobody writes to would otherwise keep the process alive
      stdin.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), firstByteMs);
    stdin.on('data', (chunk: Buffer) => {
      clearTimeout(timer);
      chunks.push(chunk);
    });
    stdin.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    stdin.on('error', () => finish(undefined));
  });
  // `echo text |` ends with a newline that is not part of the text
  const trimmed = text?.replace(/\r?\n$/, '');
  return trimmed ? trimmed : undefined;
}
