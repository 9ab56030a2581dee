// Preloaded with `node --import bench/count-modules.mjs …` by the cold-start bench: counts the modules a command
// loads — ES modules through a load hook (it runs on the loader thread, so it appends each URL to a file) and
// CommonJS ones from require's cache when the process exits — and writes the total to $BENCH_MODULE_COUNT.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.BENCH_MODULE_COUNT;
if (out) {
  fs.writeFileSync(`${out}.esm`, '');
  register(`data:text/javascript,${encodeURIComponent(`import fs from 'node:fs';
export async function load(url, context, next) {
  if (!url.startsWith('node:')) fs.appendFileSync(${JSON.stringify(`${out}.esm`)}, url + '\\n');
  return next(url, context);
}`)}`);
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const esm = new Set(fs.readFileSync(`${out}.esm`, 'utf8').split('\n').filter(Boolean));
    const cjs = Object.keys(require.cache).filter((file) => !esm.has(`file://${file}`));
    fs.writeFileSync(out, JSON.stringify({ esm: esm.size, cjs: cjs.length, total: esm.size + cjs.length }));
  });
}
