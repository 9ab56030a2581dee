// "30m", "6h", "2d" → milliseconds (skill `deadline`).
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mhd])$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text} (use e.g. 30m, 6h, 2d)`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
