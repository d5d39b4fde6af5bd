import { statement } from '../../database/statement';

/** Show row `sh` starts within `hours` of `now`: REMINDER_HOURS_BEFORE, its bookings' reminders are due. */
const inReminderWindow = (sh: string, now: string, hours: string) => `${sh}.date_time > ${now}
     AND ${sh}.date_time <= ${now} + make_interval(hours => ${hours})`;

/**
 * Marks up to 500 bookings whose show starts within `hours` of `now` as
 * reminded for that start, and returns them grouped by customer and show (one
 * message each). A booking is reminded for a start time, not once for all:
 * a show moved after its reminder is reminded again before its new time; a
 * cancelled booking, one of a cancelled show, or one of a show that no longer
 * starts in the window, is not. Bookings made inside the window are not reminded (their confirmation
 * has just said it all). SKIP LOCKED: every instance may sweep at once.
 */
export const MARK_DUE_REMINDERS = statement<[now: Date, hours: number], { booking_ids: number[] }>({
  name: 'mark-due-reminders',
  text: `
WITH due AS (
  SELECT b.id
    FROM bookings b
    JOIN shows sh ON sh.id = b.show_id
   WHERE b.status = 'booked'
     AND sh.status = 'scheduled'
     AND b.reminded_for IS DISTINCT FROM sh.date_time
     AND ${inReminderWindow('sh', '$1', '$2')}
     AND b.created_at <= sh.date_time - make_interval(hours => $2)
   ORDER BY b.id
   LIMIT 500
     FOR UPDATE OF b SKIP LOCKED
), marked AS (
  UPDATE bookings b SET reminded_for = sh.date_time
    FROM due, shows sh
   WHERE b.id = due.id AND sh.id = b.show_id
  RETURNING b.id, b.user_id, b.show_id
)
SELECT array_agg(id ORDER BY id) AS booking_ids FROM marked GROUP BY user_id, show_id`,
});

/**
 * The booked bookings of a show just moved (after UPDATE_SHOW, in its
 * transaction), one group per customer: the account, or the address a
 * box-office sale named. The caller has locked every seat of the show
 * (LOCK_SHOW_SEATS), so no booking of it is made or cancelled meanwhile; the
 * bookings marked here are locked after their seats (lock 5).
 *
 * Reminders follow the new start. A booking of a show that now starts within
 * `hours` of `now` is marked reminded for the new start: the move's message,
 * which names it, is its reminder (a sweep right after would only repeat it).
 * The others keep the start they were reminded for, if any, which is no longer
 * the show's: the sweep reminds them `hours` before the new start.
 */
export const MOVED_SHOW_BOOKINGS = statement<[showId: number, now: Date, hours: number], { booking_ids: number[] }>({
  name: 'moved-show-bookings',
  text: `
WITH booked AS (
  SELECT b.id, b.user_id, o.customer_email
    FROM bookings b
    LEFT JOIN orders o ON o.id = b.order_id
   WHERE b.show_id = $1 AND b.status = 'booked'
), reminded AS (
  UPDATE bookings b SET reminded_for = sh.date_time
    FROM booked, shows sh
   WHERE b.id = booked.id AND sh.id = b.show_id
     AND ${inReminderWindow('sh', '$2', '$3')}
  RETURNING b.id
)
SELECT array_agg(id ORDER BY id) AS booking_ids FROM booked GROUP BY user_id, customer_email ORDER BY min(id)`,
});
