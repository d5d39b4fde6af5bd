/**
 * A seat's label, the one rule (API.md "Seat labels"), as an SQL fragment:
 * until a show has a screen plan, its `total_seats` are laid out in as few
 * rows of at most 20 as they need, each row an even share of the seats
 * (rounded up) and the last one what is left (21 seats: 11 and 10), lettered
 * A … Z, AA, AB … from the screen back and numbered from the left; with 100
 * seats, seat 47 is C7. The web app draws its seat map by the same rule
 * (web/src/seats/layout.ts: `layoutOf`, `shortName`), and
 * test/tickets/seat-labels.e2e-spec.ts checks that the two agree on every
 * seat of every show size. BOOK_SEATS writes the label on the booking when
 * it is sold, so a booking keeps it.
 *
 * `seat` and `total` are integer SQL expressions (integer division below)
 * of the statement around it; the subquery's aliases (seat_place, seat_rows,
 * seat_row_count) are named so as not to hide the statement's own.
 * Two letters name 26 + 26² = 702 rows, far more than the 100 rows of the
 * largest show (MAX_SEATS_PER_SHOW).
 */
export const MAX_SEATS_PER_ROW = 20;

export const seatLabel = (seat: string, total: string): string => `(
    SELECT CASE WHEN seat_place.row_index < 26 THEN chr(65 + seat_place.row_index)
                ELSE chr(64 + seat_place.row_index / 26) || chr(65 + seat_place.row_index % 26) END || seat_place.place
      FROM (SELECT (${seat} - 1) / seat_rows.per_row AS row_index, (${seat} - 1) % seat_rows.per_row + 1 AS place
              FROM (SELECT (${total} + seat_row_count.n - 1) / seat_row_count.n AS per_row
                      FROM (SELECT (${total} + ${MAX_SEATS_PER_ROW - 1}) / ${MAX_SEATS_PER_ROW} AS n) seat_row_count) seat_rows) seat_place)`;
