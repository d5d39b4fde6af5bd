import { statement } from '../../database/statement';

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
     AND sh.date_time > $1
     AND sh.date_time <= $1 + make_interval(hours => $2)
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
