// The provider's side of a per-minute limit: requests are counted as they arrive (not when the client reserved
// them), over a rolling 60 s, as OpenRouter counts free-models-per-min. A request over the limit is refused.

export interface MinuteLimit {
  /** counts the request if it fits; otherwise returns when the oldest counted arrival leaves the window, epoch ms */
  admit(arrived_ms: number): { ok: true } | { ok: false; reset_ms: number };
}

export function minuteLimit(limit: number, window_ms = 60_000): MinuteLimit {
  const arrivals: number[] = [];
  return {
    admit(arrived_ms) {
      while (arrivals.length > 0 && arrivals[0] <= arrived_ms - window_ms) arrivals.shift();
      if (arrivals.length >= limit) return { ok: false, reset_ms: arrivals[0] + window_ms };
      arrivals.push(arrived_ms);
      return { ok: true };
    },
  };
}
