const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A moment as a message says it: the wall clock an ISO 8601 string carries
 * (the cinema's, from localIso), "Tue, 08 Dec 2026 14:00", and " UTC" after
 * it when that is UTC's (so a cinema in UTC reads as before).
 */
export function when(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  const [, year, month, day, hour, minute, offset] = m;
  const weekday = DAYS[new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay()];
  return `${weekday}, ${day} ${MONTHS[Number(month) - 1]} ${year} ${hour}:${minute}${offset === 'Z' || offset === '+00:00' ? ' UTC' : ''}`;
}
