// The address serve (or the dashboard) was asked for cannot be had: bad input (exit 2) with the fix, not an internal error.
import { BadInputError } from '../errors.js';

export function listenError(error: unknown, host: string, port: number, command = 'portai serve'): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new BadInputError(`cannot listen on ${address}: the port is already in use (another ${command}, or another program)`, {
      hint: `stop that program, or pick another port: ${command} --port ${command === 'portai serve' && port === 8787 ? 8788 : port + 1}`,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new BadInputError(`cannot listen on ${address}: not allowed (${code}; ports below 1024 need privileges)`, { hint: 'pick a port from 1024 up, e.g. --port 8787' });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new BadInputError(`cannot listen on ${address}: this machine has no such address (${code})`, { hint: 'leave out --host to listen on 127.0.0.1, or give an address of this machine' });
  }
  return error;
}
