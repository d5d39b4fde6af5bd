/**
 * Every time is shown and typed in the cinema's own time zone (GET /cinemas/),
 * whatever the browser's: a 14:00 show reads 14:00 in Los Angeles too. Until
 * main.tsx has read it, the browser's zone.
 */
let cinemaZone: string | undefined;

const formatsIn = (timeZone: string | undefined) => ({
  day: new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  time: new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit' }),
  dateTime: new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
  wall: new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
});
let formats = formatsIn(undefined);

/** Shows and takes every time in `zone` from now on (an IANA zone the browser does not know is ignored). */
export function setCinemaTimeZone(zone: string): void {
  try {
    formats = formatsIn(zone);
    cinemaZone = zone;
  } catch {
    formats = formatsIn(cinemaZone);
  }
}

/** The zone times are shown in: the cinema's, or the browser's until it is known. */
export const shownTimeZone = () => cinemaZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

export const formatDay = (iso: string) => formats.day.format(new Date(iso));
const calendarDay = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
/** A calendar day (`YYYY-MM-DD`, a day of the cinema's already) in words, as formatDay writes a moment's. */
export const formatCalendarDay = (day: string) => calendarDay.format(new Date(`${day}T00:00:00Z`));
const shortCalendar = {
  weekday: new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short' }),
  date: new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short' }),
};
/** A calendar day in short words, as its two parts: ["Fri", "12 Dec"]. */
export const formatShortCalendarDay = (day: string): [weekday: string, date: string] => {
  const at = new Date(`${day}T00:00:00Z`);
  return [shortCalendar.weekday.format(at), shortCalendar.date.format(at)];
};
/** A calendar day as YYYY-MM-DD that is one (not 2026-02-30). */
export const isCalendarDay = (value: string) => {
  const at = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(at) && new Date(at).toISOString().startsWith(value);
};
/** The calendar day `days` after `day` (both YYYY-MM-DD): days of the calendar, whatever the zone's clocks do. */
export const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
export const formatTime = (iso: string) => formats.time.format(new Date(iso));
export const formatDateTime = (iso: string) => formats.dateTime.format(new Date(iso));

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall clock of a moment in the shown zone: [year, month 1–12, day, hour, minute]. */
function wallClock(at: number): number[] {
  const parts: Record<string, number> = {};
  for (const part of formats.wall.formatToParts(new Date(at))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return [parts.year, parts.month, parts.day, parts.hour, parts.minute];
}

/** The calendar day of a moment in the shown zone, as a key to group by. */
export const dayKey = (iso: string) => {
  const [year, month, day] = wallClock(Date.parse(iso));
  return `${year}-${pad(month)}-${pad(day)}`;
};

/** A `datetime-local` input's value for a moment, in the shown zone. */
export function toLocalInput(iso: string): string {
  const [year, month, day, hour, minute] = wallClock(Date.parse(iso));
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

/**
 * The moment a `datetime-local` value means in the shown zone: the wall clock
 * read as UTC, moved by the zone's offset at that moment (twice, for a value
 * near a change of offset).
 */
export function fromLocalInput(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  // What is not a moment goes to the API as it is, for its validation to name.
  if (!match) return value;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]));
  const offsetAt = (at: number) => {
    const [year, month, day, hour, minute] = wallClock(at);
    return Date.UTC(year, month - 1, day, hour, minute) - at;
  };
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at).toISOString();
}

/** "9:05" for a countdown. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How many minor units make a major one in `currency` (2 for EUR, 0 for JPY), as Intl knows it. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** An amount in minor units (the API's), in its currency, as this browser writes money: "€12.50". */
export function formatMoney(minor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      // A code this browser does not know is still shown, plainly.
      return `${(minor / 10 ** 2).toFixed(2)} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 10 ** minorDigits(currency));
}

/** A seat's price: "Free" for 0. */
export const formatPrice = (minor: number, currency: string) => (minor === 0 ? 'Free' : formatMoney(minor, currency));

/** Minor units as a major-unit input's value ("12.50"), for an edit form. */
export const toMajorInput = (minor: number, currency: string) => (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

/** A major-unit amount typed by a person ("12.50", "12,5", "12") in minor units; null when it is not one. */
export function fromMajorInput(value: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^(\d{1,9})(?:[.,](\d*))?$/.exec(value.trim());
  if (!match || (match[2] ?? '').length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}
