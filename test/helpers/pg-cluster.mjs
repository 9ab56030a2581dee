// A throwaway PostgreSQL cluster for tests and benches: initdb in a temporary folder, a free loopback port,
// pg_ctl start; stop() ends the server and removes the folder. A real server (Debian's postgresql package),
// never a mock. initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (apt-get install postgresql); the tests need a real server');
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin, args) {
  const command = asRoot ? 'runuser' : bin;
  const full = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  return execFileSync(command, full, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

/**
 * @param {{ password?: string }} [options] with a password: TCP connections need it (scram-sha-256), else trust
 */
export async function startCluster(options = {}) {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-pg-'));
  fs.chmodSync(dir, 0o700);
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  const data = path.join(dir, 'data');
  const user = 'portai';
  const initArgs = ['-D', data, '-U', user, '-E', 'UTF8', '--no-sync', '--auth-local=trust'];
  if (options.password) {
    const pwfile = path.join(dir, 'pw');
    fs.writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
    if (asRoot) execFileSync('chown', ['postgres:', pwfile]);
    initArgs.push('--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
  } else initArgs.push('--auth-host=trust');
  run(path.join(bin, 'initdb'), initArgs);
  const port = await freePort();
  const log = path.join(dir, 'server.log');
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100`;
  const start = () => run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', serverOptions, '-l', log, '-w', '-t', '30', 'start']);
  const stopServer = (mode = 'fast') => run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  start();
  let running = true;
  const cluster = {
    port,
    user,
    dir,
    /** a database URL (no password in it) */
    url: (database = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
    /** a fresh, empty database; its URL */
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url(), password: options.password });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return cluster.url(name);
    },
    /** SQL as the cluster's superuser, for checks */
    async query(database, sql, values = []) {
      const client = new pg.Client({ connectionString: cluster.url(database), password: options.password });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows;
      } finally {
        await client.end();
      }
    },
    stopServer(mode) {
      stopServer(mode);
      running = false;
    },
    startServer() {
      start();
      running = true;
    },
    stop() {
      try {
        if (running) stopServer('immediate');
      } finally {
        running = false;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return cluster;
}
