// Pass rates with their uncertainty: a model that passed 3 of 3 has not shown as much as one that passed 95 of 100.

/** The Wilson score interval's lower bound at 95% (z = 1.96); 0 when nothing ran. */
export function wilsonLowerBound(passed: number, total: number, z = 1.96): number {
  if (total === 0) return 0;
  const p = passed / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.max(0, (centre - margin) / (1 + z2 / total));
}

/** The median (the lower middle of an even count); null for no values. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
