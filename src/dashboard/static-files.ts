// The dashboard's files: its own page, script and style (the package's dashboard/ folder) and uPlot's build, read
// from the installed uplot package at run time, so nothing is fetched from a CDN and nothing needs a build step.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { packageRoot } from '../config/package-root.js';

const require = createRequire(import.meta.url);

export interface StaticFile {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** name in the URL (after the dashboard's base) → file on disk */
function sources(): Record<string, string> {
  const own = path.join(packageRoot(), 'dashboard');
  return {
    '/': path.join(own, 'index.html'),
    '/assets/app.js': path.join(own, 'app.js'),
    '/assets/style.css': path.join(own, 'style.css'),
    '/assets/uPlot.iife.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
    '/assets/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
  };
}

let cache: Map<string, StaticFile> | undefined;

/** Read once per process: the files are part of the installed package. */
export function staticFile(name: string): StaticFile | undefined {
  if (!cache) {
    cache = new Map();
    for (const [url, file] of Object.entries(sources())) cache.set(url, { type: TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  }
  return cache.get(name);
}
