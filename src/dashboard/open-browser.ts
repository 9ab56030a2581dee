// `--open`: hand the link to the system's opener. No opener (a server, a container) is no failure: the link is printed.
import { spawn } from 'node:child_process';

export function openBrowser(link: string, log: (line: string) => void): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [link], { stdio: 'ignore', detached: true });
    child.on('error', () => log(`could not start ${command} to open the browser; open the link above yourself`));
    child.unref();
  } catch {
    log(`could not start ${command} to open the browser; open the link above yourself`);
  }
}
