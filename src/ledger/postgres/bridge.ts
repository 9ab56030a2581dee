// Synchronous calls into the worker that owns the PostgreSQL connection.
//
// Why a worker and Atomics.wait: the runner, router, serve and the queue call the ledger synchronously (the
// check-and-reserve is one synchronous transaction, like better-sqlite3's), and making all of them async is a
// rewrite. node-postgres (`pg`, pure JavaScript, well kept) is async, so it runs in a worker thread; the main
// thread posts a request on a MessagePort and sleeps in Atomics.wait on a SharedArrayBuffer until the worker
// flips it, then reads the answer with receiveMessageOnPort. This is what the `synckit` package does; done here
// with the same Node primitives in a few lines, so one long-lived worker keeps one connection (a transaction
// spans many calls) and a call that takes too long has our own timeout. `pg-native`'s querySync was the other
// choice: it compiles against libpq at install time (node-gyp, libpq-dev and a C toolchain that .ci/run would have
// to install on every fresh machine), and a blocking libpq call has no timeout of ours: a network split would hang
// the process. The worker is pure JavaScript, and the bridge gives up after a deadline.
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

export interface BridgeOptions {
  url: string;
  /** how long a first connection (or a reconnection) keeps trying while the server refuses */
  connectWaitMs: number;
  /** the server cancels a statement after this; the bridge gives up a little later */
  statementTimeoutMs: number;
}

export interface BridgeFailure {
  message: string;
  code?: string;
  /** the connection is the problem (server down, network split, no answer in time), not the SQL */
  connection: boolean;
}

export class BridgeError extends Error {
  constructor(readonly failure: BridgeFailure) {
    super(failure.message);
  }
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: BridgeFailure;
}

const require = createRequire(import.meta.url);

export class SyncBridge {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private flag: Int32Array | undefined;
  private nextId = 1;

  constructor(private readonly options: BridgeOptions) {}

  private start(): void {
    const shared = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        shared,
        pgPath: require.resolve('pg'),
        url: this.options.url,
        connectWaitMs: this.options.connectWaitMs,
        statementTimeoutMs: this.options.statementTimeoutMs,
        applicationName: `portai ${process.pid}`,
      },
      transferList: [port2],
    });
    // the worker never keeps the process alive: a command that is done exits
    this.worker.unref();
    this.port = port1;
    this.flag = new Int32Array(shared);
  }

  /** One request, answered synchronously; a connection problem or no answer in time throws a BridgeError with `connection`. */
  call<T>(request: Record<string, unknown>): T {
    if (!this.worker) this.start();
    const flag = this.flag as Int32Array;
    const port = this.port as MessagePort;
    const id = this.nextId++;
    Atomics.store(flag, 0, 0);
    port.postMessage({ ...request, id });
    // a reconnection may wait connectWaitMs, then the statement statementTimeoutMs; past both the worker is stuck
    const deadline = Date.now() + this.options.connectWaitMs + this.options.statementTimeoutMs + 2_000;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stop();
        throw new BridgeError({ message: `no answer from the database in ${Math.round((this.options.connectWaitMs + this.options.statementTimeoutMs) / 1000)} s`, code: 'ETIMEDOUT', connection: true });
      }
      Atomics.wait(flag, 0, 0, left);
      const received = receiveMessageOnPort(port);
      if (!received) continue;
      const reply = received.message as Reply;
      if (reply.id !== id) continue;
      if (!reply.ok) throw new BridgeError(reply.error as BridgeFailure);
      return reply.value as T;
    }
  }

  /** Ends the worker and its connection; the next call starts a new one. */
  stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    if (worker) void worker.terminate();
  }
}
