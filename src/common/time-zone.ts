/** IANA time zones, as this runtime's Intl knows them (the service refuses to start with one it does not). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of `at` in `zone`: year, month (1–12), day, hour (0–23), minute, second. */
function wallClock(at: Date, zone: string): number[] {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second];
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * `at` as the cinema's clocks read it, ISO 8601 with the zone's offset then
 * (`2026-12-08T14:00:00+01:00`; UTC is `+00:00`): the same instant as
 * `at.toISOString()`, in the zone's own words.
 */
export function localIso(at: Date, zone: string): string {
  const [year, month, day, hour, minute, second] = wallClock(at, zone);
  const offsetMinutes = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(offsetMinutes);
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${sign}${two(Math.floor(offset / 60))}:${two(offset % 60)}`;
}

/** The calendar day (`YYYY-MM-DD`) of `at` in `zone`. */
export const localDate = (at: Date, zone: string) => localIso(at, zone).slice(0, 10);
