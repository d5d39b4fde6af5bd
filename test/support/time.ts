const MINUTE = 60_000;

/**
 * The wall clock of instant `at` (ms) in IANA `zone` as "YYYY-MM-DD HH:MM", by
 * the runtime's own formatter: the specs' yardstick, not the service's code.
 */
export const wallClock = (at: number, zone: string): string => new Date(at).toLocaleString('sv-SE', { timeZone: zone, hour12: false }).slice(0, 16);

/** The instant whose wall clock in `zone` reads `wall` ("YYYY-MM-DD HH:MM"), found by walking the minutes around it. */
export function instantOf(wall: string, zone: string): number {
  const asUtc = Date.parse(`${wall.replace(' ', 'T')}:00Z`);
  for (let t = asUtc - 15 * 60 * MINUTE; t <= asUtc + 15 * 60 * MINUTE; t += 15 * MINUTE) if (wallClock(t, zone) === wall) return t;
  throw new Error(`${zone} never reads ${wall}`);
}
