/**
 * The seat rules, written once as SQL fragments that every statement composes:
 * what state a seat is in, who may have it, and why a request for seats is
 * refused. `s`, `sh`, `who` and `now` are the aliases and placeholders of the
 * statement that uses them; `now` is always the clock's time passed in as a
 * parameter (tests move the clock, and the database agrees), so an expired
 * hold simply stops counting, with no clean-up job needed.
 *
 * A seat row says who has the seat: `booking_id` (booked) or `hold_id` +
 * `held_by` + `hold_expires_at` (held until then); never both
 * (`seats_booked_or_held`). Those columns are written only by the fragments
 * here (occupySeats, holdSeats, freeBookedSeats, freeHeldSeats); seat rows are
 * made and removed only by src/seats/sql/seat-rows.ts.
 *
 * LOCKS. Every writer takes its locks in this order, so two writers that meet
 * queue instead of deadlocking:
 *
 *   0. the order row (payments: checkout, settle, refund, expiry), FOR UPDATE, before anything below, by every
 *      writer that touches an order;
 *   1. the advisory lock (user, show): a customer's holds, bookings and confirms of one show, one at a time
 *      (the hold limit and the booking cap count exactly, across processes);
 *   2. the show row: FOR UPDATE to change, cancel or delete it, FOR KEY SHARE to hold its seats or confirm a hold;
 *   3. hold rows, by id: confirm, release, expiry, a show's cancellation or deletion;
 *   4. seat rows, FOR UPDATE (TypeORM's pessimistic_write), in (show_id, seat_number) order;
 *   5. booking rows: cancel locks its booking after the booking's seat; a check-in locks only its booking.
 *
 * A booking locks seat rows only, so bookings of different seats of one show
 * never wait for each other.
 */

/** No show has more seats than this (the shows_total_seats_check CHECK says so too). */
export const MAX_SEATS_PER_SHOW = 2000;

/** Seat row `s` has an active booking. */
export const isBooked = (s: string) => `${s}.booking_id IS NOT NULL`;

/** Seat row `s` is held by a hold that has not expired at `now`. */
export const isHeld = (s: string, now: string) => `(${s}.hold_id IS NOT NULL AND ${s}.hold_expires_at > ${now})`;

/** Seat row `s` is held, and not by `who` (`NULL`: held by anyone counts). A customer may book seats they hold. */
export const isHeldAgainst = (s: string, who: string, now: string) => `(${isHeld(s, now)} AND ${s}.held_by IS DISTINCT FROM ${who})`;

/** Seat row `s` cannot be sold right now. */
export const isTaken = (s: string, now: string) => `(${isBooked(s)} OR ${isHeld(s, now)})`;

/** Seat row `s` as the seat map shows it. */
export const seatStatus = (s: string, now: string) =>
  `CASE WHEN ${isBooked(s)} THEN 'booked' WHEN ${isHeld(s, now)} THEN 'held' ELSE 'available' END`;

/** Show row `sh` has started: its seats can no longer be sold, held or given back. */
export const hasStarted = (sh: string, now: string) => `(${sh}.date_time <= ${now})`;

/** A show's `status` (the show row's, or a seat row's copy, show_status) says it is cancelled: nothing of it is sold or held again. */
export const isShowCancelled = (status: string) => `(${status} = 'cancelled')`;

/**
 * A lateral subquery of show `sh`'s seats that cannot be sold right now, as
 * `booked_seats` and `held_seats` (served by the partial index seats_taken_idx).
 */
export const seatCounts = (sh: string, now: string) => `LATERAL (
SELECT count(*) FILTER (WHERE ${isBooked('t')})::int AS booked_seats,
       count(*) FILTER (WHERE ${isHeld('t', now)})::int AS held_seats
  FROM seats t WHERE t.show_id = ${sh}.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL))`;

/**
 * Why a request cannot have a seat, in the documented order of precedence:
 * the lowest rank of a request's seats is its answer. `sh` is the show row
 * (NULL: no such show) and `s` the locked seat row (NULL: no such seat).
 */
export const Refusal = {
  SHOW_NOT_FOUND: 1,
  SHOW_CANCELLED: 2,
  SEAT_OUT_OF_RANGE: 3,
  SHOW_STARTED: 4,
  /** A priced show's seats are sold through a paid order only (a booking statement given none). */
  PAYMENT_REQUIRED: 5,
  /** SHOW_FULL instead when every seat of the show is booked. */
  SEAT_TAKEN: 6,
  SEAT_HELD: 7,
} as const;
export const AVAILABLE = 9;

/**
 * A cancelled show is read on the locked seat row when there is one (its
 * show_status, kept equal to the show's by seats_show_fk), and on the show row
 * otherwise: a seat whose lock we waited for while the show was being
 * cancelled comes back in its committed version, while `sh` is the
 * statement's snapshot, from before the cancellation committed.
 */
/** What seat row `s` of show `sh` costs: its kind's price when the show sets one (prices_by_kind), else the show's price. */
export const seatPrice = (sh: string, s: string) => `coalesce((${sh}.prices_by_kind ->> ${s}.kind)::int, ${sh}.price)`;

export const refusalRank = (sh: string, s: string, who: string, now: string, order?: string) => `CASE
      WHEN ${sh}.id IS NULL THEN ${Refusal.SHOW_NOT_FOUND}
      WHEN ${isShowCancelled(`coalesce(${s}.show_status, ${sh}.status)`)} THEN ${Refusal.SHOW_CANCELLED}
      WHEN ${s}.seat_number IS NULL THEN ${Refusal.SEAT_OUT_OF_RANGE}
      WHEN ${hasStarted(sh, now)} THEN ${Refusal.SHOW_STARTED}${
        order === undefined
          ? ''
          : `
      WHEN ${seatPrice(sh, s)} > 0 AND ${order} IS NULL THEN ${Refusal.PAYMENT_REQUIRED}`
      }
      WHEN ${isBooked(s)} THEN ${Refusal.SEAT_TAKEN}
      WHEN ${isHeldAgainst(s, who, now)} THEN ${Refusal.SEAT_HELD}
      ELSE ${AVAILABLE} END`;

/**
 * The CTEs that decide a set of seat requests, for a statement whose `wanted`
 * CTE has one row (req, user_id, show_id, seat_number) per requested seat:
 * `locked` takes the seat rows' locks in (show, seat) order, `judged` ranks
 * every requested seat on its locked row (a row another transaction changed
 * while we waited comes back in its newest committed version) and carries the
 * show's total_seats and the seat's label as that row says, `verdicts`
 * gives each request its rank. `who` is whose own holds count as free.
 * Without `lock`, the same rules on the statement's snapshot, for requests
 * that are refused whatever happens (seats no show can have). A sale passes
 * `order`, the SQL of the order paying for it (NULL when none): a priced
 * show's seats are then PAYMENT_REQUIRED without one; `judged` carries the
 * seat's price (seatPrice), which the booking keeps.
 */
export const judgeRequests = (who: string, now: string, lock = true, order?: string) => `locked AS (
  SELECT s.show_id, s.seat_number, s.total_seats, s.label, s.kind, s.show_status, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s JOIN wanted w ON s.show_id = w.show_id AND s.seat_number = w.seat_number${
      lock
        ? `
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s`
        : ''
    }
), judged AS (
  SELECT w.req, w.user_id, w.show_id, w.seat_number, l.total_seats, l.label, ${seatPrice('sh', 'l')} AS price, ${refusalRank('sh', 'l', who, now, order)} AS rank
    FROM wanted w
    LEFT JOIN shows sh ON sh.id = w.show_id
    LEFT JOIN locked l ON l.show_id = w.show_id AND l.seat_number = w.seat_number
), verdicts AS (
  SELECT req, min(show_id) AS show_id, min(rank) AS rank FROM judged GROUP BY req
)`;

/**
 * The answer columns of verdict `v` (from judgeRequests): `refusal`, the code
 * of its refusal or NULL, and `seats`, the requested seats that justify it
 * (out of range; or every unavailable one, booked or held), with
 * `seat_labels`, their labels, for the unavailable ones. SHOW_FULL when
 * every seat of the show is booked: the requested seats as locked, the others
 * as of the statement's snapshot.
 */
export const refusalColumns = (v: string) => `CASE ${v}.rank
      WHEN ${Refusal.SHOW_NOT_FOUND} THEN 'SHOW_NOT_FOUND'
      WHEN ${Refusal.SHOW_CANCELLED} THEN 'SHOW_CANCELLED'
      WHEN ${Refusal.SEAT_OUT_OF_RANGE} THEN 'SEAT_OUT_OF_RANGE'
      WHEN ${Refusal.SHOW_STARTED} THEN 'SHOW_STARTED'
      WHEN ${Refusal.PAYMENT_REQUIRED} THEN 'PAYMENT_REQUIRED'
      WHEN ${Refusal.SEAT_TAKEN} THEN CASE WHEN
             EXISTS (SELECT 1 FROM judged j WHERE j.req = ${v}.req AND j.rank <> ${Refusal.SEAT_TAKEN})
          OR EXISTS (SELECT 1 FROM seats f WHERE f.show_id = ${v}.show_id AND f.booking_id IS NULL
                        AND NOT EXISTS (SELECT 1 FROM judged j WHERE j.req = ${v}.req AND j.seat_number = f.seat_number))
        THEN 'SEAT_TAKEN' ELSE 'SHOW_FULL' END
      WHEN ${Refusal.SEAT_HELD} THEN 'SEAT_HELD'
    END AS refusal,
    CASE WHEN ${v}.rank IN (${Refusal.SEAT_OUT_OF_RANGE}, ${Refusal.SEAT_TAKEN}, ${Refusal.SEAT_HELD}) THEN ARRAY(
      SELECT j.seat_number FROM judged j
       WHERE j.req = ${v}.req AND j.rank BETWEEN ${v}.rank AND CASE ${v}.rank WHEN ${Refusal.SEAT_TAKEN} THEN ${Refusal.SEAT_HELD} ELSE ${v}.rank END
       ORDER BY j.seat_number)
    END AS seats,
    CASE WHEN ${v}.rank IN (${Refusal.SEAT_TAKEN}, ${Refusal.SEAT_HELD}) THEN ARRAY(
      SELECT j.label FROM judged j
       WHERE j.req = ${v}.req AND j.rank BETWEEN ${v}.rank AND ${Refusal.SEAT_HELD}
       ORDER BY j.seat_number)
    END AS seat_labels,
    CASE WHEN ${v}.rank = ${Refusal.SEAT_OUT_OF_RANGE} THEN (SELECT t.total_seats FROM shows t WHERE t.id = ${v}.show_id) END AS total_seats`;

/** Points the seats of the new bookings in CTE `created` at them, ending any hold of the booker's own on them. */
export const occupySeats = (created: string) => `UPDATE seats s SET booking_id = c.id, hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM ${created} c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number`;

/** Marks the seats of the new hold in CTE `created` (id, user_id, show_id, seat_numbers, expires_at) as held by it. */
export const holdSeats = (created: string) => `UPDATE seats s SET hold_id = c.id, held_by = c.user_id, hold_expires_at = c.expires_at
    FROM ${created} c
   WHERE s.show_id = c.show_id AND s.seat_number = ANY (c.seat_numbers)`;

/** Frees the seats of the bookings just cancelled in CTE `cancelled`: they can be booked again at once. */
export const freeBookedSeats = (cancelled: string) => `UPDATE seats s SET booking_id = NULL
    FROM ${cancelled} c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id`;

/**
 * Frees the seats still held by the holds in CTE `ended` (id), locking them in
 * (show, seat) order first; `freed` returns (show_id, seat_number).
 */
export const freeHeldSeats = (ended: string) => `held AS (
  SELECT s.show_id, s.seat_number, s.hold_id FROM seats s JOIN ${ended} e ON s.hold_id = e.id
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), freed AS (
  UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM held h
   WHERE s.show_id = h.show_id AND s.seat_number = h.seat_number AND s.hold_id = h.hold_id
  RETURNING s.show_id, s.seat_number
)`;
