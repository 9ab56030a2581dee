// How long `portai serve` waits for a slow or idle client, and how many it holds at once: a local program that
// opens sockets and trickles bytes (slowloris) must not tie up the server the user's agents depend on.
import type { Server } from 'node:http';

export interface ConnectionLimits {
  /** the whole header block must arrive within this */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this (an answer may stream for longer) */
  requestTimeoutMs: number;
  /** an idle kept-alive socket is closed after this */
  keepAliveTimeoutMs: number;
  /** open sockets at once; more are closed on arrival */
  maxConnections: number;
  /** how often Node checks the two request timeouts (its default, 30 s, would let a slow client linger) */
  checkIntervalMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // a 32 MB body (the largest read) takes milliseconds on loopback
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  // far above what a few agents with parallel sub-agents open, far below the process's file descriptors
  maxConnections: 128,
  checkIntervalMs: 1_000,
};

export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // no socket inactivity timeout: a model may think for minutes between two streamed chunks
  server.timeout = 0;
}
