// Small statistics for the benchmarks.
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (values) => percentile(values, 50);

export function formatMs(ms) {
  return `${ms >= 0 ? '' : '−'}${Math.abs(ms).toFixed(3)} ms`;
}
