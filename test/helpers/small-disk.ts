// A small real file system (tmpfs) that a test can fill to the last byte and free again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  /** the mount point */
  dir: string;
  /** write a filler file until the file system says ENOSPC */
  fill(): void;
  /** delete the filler */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeMb = 4): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`the full-disk test mounts a ${sizeMb} MB tmpfs and could not (${(error as Error).message.split('\n')[0]}): run the suite as root, as in the CI container`);
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
      // the last partial block too
      const small = fs.openSync(filler, 'a');
      try {
        for (;;) fs.writeSync(small, Buffer.alloc(512));
      } catch {
        // full
      } finally {
        fs.closeSync(small);
      }
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
