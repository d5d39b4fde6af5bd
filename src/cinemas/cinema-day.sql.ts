/**
 * A cinema's day, written once as SQL fragments for every statement that
 * lists days (what's on, the sales report): a day runs from its midnight in
 * the cinema's IANA zone to the next, so a day of 23 or 25 hours is whole.
 * `zone` is the SQL of the zone (`c.time_zone`), `now` the clock's time.
 */

/** The calendar day it is at `now` in `zone`, as a date. */
export const cinemaToday = (now: string, zone: string) => `(${now}::timestamptz AT TIME ZONE ${zone})::date`;

/** The instant day `day` (SQL of a date) begins in `zone`: its midnight there. */
export const cinemaMidnight = (day: string, zone: string) => `(${day}::timestamp AT TIME ZONE ${zone})`;

/** The calendar day instant `at` falls on in `zone`, as text (YYYY-MM-DD). */
export const cinemaDayOf = (at: string, zone: string) => `to_char(${at} AT TIME ZONE ${zone}, 'YYYY-MM-DD')`;
