import { statement } from '../../database/statement';
import { judgeRequests, refusalColumns } from '../../seats/seat-rules.sql';
import type { SeatRefusal } from './book-seats';

/**
 * The verdict on a request that names a seat no show can have (below 1, above
 * the largest show): always a refusal, found by the same rules on a snapshot,
 * with no lock and no transaction. Seat numbers travel as numeric, so any
 * number a JSON client sends fits.
 */
export const JUDGE_IMPOSSIBLE_SEATS = statement<
  [showId: number, seats: number[], now: Date],
  { refusal: SeatRefusal; seats: number[] | null; total_seats: number | null }
>({
  name: 'judge-impossible-seats',
  text: `
WITH wanted AS (
  SELECT 0 AS req, NULL::int AS user_id, $1::int AS show_id, n AS seat_number FROM unnest($2::numeric[]) AS n
), ${judgeRequests('w.user_id', '$3', false)}
SELECT ${refusalColumns('v')} FROM verdicts v`,
});
