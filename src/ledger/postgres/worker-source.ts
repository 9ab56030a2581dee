// The worker thread that owns the PostgreSQL connection (node-postgres). Plain JavaScript in a string, started with
// `eval: true`: it runs the same from the compiled dist/ and from the TypeScript sources under the test runner, and
// it has no build step of its own. The main thread sends one request at a time and sleeps in Atomics.wait until
// the answer is posted here (bridge.ts); this thread is the only one that does I/O.
export const WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads');
const { port, shared, pgPath, url, connectWaitMs, statementTimeoutMs, applicationName } = workerData;
const flag = new Int32Array(shared);
let pg;
let loadError = null;
try {
  pg = require(pgPath);
  // bigint (count, ms timestamps) and numeric (sums of bigints) as JS numbers: the ledger's values fit in 2^53
  pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
  pg.types.setTypeParser(1700, (value) => Number.parseFloat(value));
} catch (error) {
  loadError = error;
}

let client = null;
// a connection lost inside a transaction: every statement fails until the main thread ends the transaction
let broken = false;
let inTransaction = false;

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

function isConnectionError(error) {
  if (!error) return false;
  if (CONNECTION_CODES.has(error.code)) return true;
  const message = String(error.message || '');
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|timeout expired|socket/i.test(message);
}

function describe(error, connection) {
  return { message: String((error && error.message) || error), code: error && error.code ? String(error.code) : undefined, connection };
}

function drop() {
  const old = client;
  client = null;
  if (old) old.end().catch(() => {});
  if (inTransaction) broken = true;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect() {
  const deadline = Date.now() + connectWaitMs;
  let last;
  for (;;) {
    const candidate = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: Math.max(1000, Math.min(connectWaitMs, 5000)), keepAlive: true, statement_timeout: statementTimeoutMs, lock_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: statementTimeoutMs + 5000 });
    candidate.on('error', () => {
      if (client === candidate) drop();
    });
    try {
      await candidate.connect();
      client = candidate;
      return;
    } catch (error) {
      last = error;
      candidate.end().catch(() => {});
      // a refused password or a missing database will not change by waiting
      if (!isConnectionError(error) || Date.now() + 250 > deadline) throw error;
      await sleep(250);
    }
  }
}

// each statement is prepared once per connection (named after its text): the server parses and plans it once
const names = new Map();
function nameOf(text) {
  let name = names.get(text);
  if (!name) {
    name = 'portai_' + names.size;
    names.set(text, name);
  }
  return name;
}

async function query(text, values) {
  if (broken) {
    const error = new Error('the connection to the database was lost inside a transaction');
    error.code = '08006';
    throw error;
  }
  if (!client) {
    if (inTransaction) {
      broken = true;
      return query(text, values);
    }
    await connect();
  }
  try {
    return await (values === undefined ? client.query(text) : client.query(text, values));
  } catch (error) {
    if (isConnectionError(error)) drop();
    throw error;
  }
}

const nowSql = 'SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now_ms';

async function handle(request) {
  if (loadError) throw loadError;
  switch (request.op) {
    case 'open': {
      const result = await query(nowSql);
      return { nowMs: result.rows[0].now_ms };
    }
    case 'query': {
      const result = await query({ name: nameOf(request.text), text: request.text, values: request.values });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    }
    case 'exec': {
      await query(request.text);
      return {};
    }
    case 'begin': {
      if (!client) await connect();
      inTransaction = true;
      // the ledger's lock first: the same guarantee as SQLite's BEGIN IMMEDIATE, across machines; one round trip
      let results;
      try {
        results = await query('BEGIN; SELECT pg_advisory_xact_lock(' + Number(request.lockKey) + '); ' + nowSql);
      } catch (error) {
        if (!broken && client) await client.query('ROLLBACK').catch(() => drop());
        inTransaction = false;
        broken = false;
        throw error;
      }
      return { nowMs: results[2].rows[0].now_ms };
    }
    case 'commit': {
      try {
        if (broken) {
          const error = new Error('the connection to the database was lost before the transaction committed; it was rolled back');
          error.code = '08006';
          throw error;
        }
        await query('COMMIT');
        return {};
      } finally {
        inTransaction = false;
        broken = false;
      }
    }
    case 'rollback': {
      const wasBroken = broken;
      inTransaction = false;
      broken = false;
      if (!wasBroken && client) await client.query('ROLLBACK').catch(() => drop());
      return {};
    }
    case 'end': {
      if (client) await client.end().catch(() => {});
      client = null;
      return {};
    }
    default:
      throw new Error('unknown ledger request ' + request.op);
  }
}

port.on('message', async (request) => {
  let reply;
  try {
    reply = { id: request.id, ok: true, value: await handle(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: describe(error, isConnectionError(error)) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;
