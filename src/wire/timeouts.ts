import type { Timeouts } from '../types.js';

/** Connect 10 s, first byte 120 s (a slow free model thinking), 60 s between two chunks of a body. */
export const DEFAULT_TIMEOUTS: Timeouts = { connect_ms: 10_000, first_byte_ms: 120_000, idle_ms: 60_000 };
