import { statement } from '../../../database/statement';
import { HOLD_COLUMNS, HoldRow } from './hold-row';

type MyHoldsParams = [now: Date, userId: number, showId: number | null];

/** A customer's holds that still keep their seats, soonest to expire first (holds_user_active_idx). */
export const MY_HOLDS = statement<[...MyHoldsParams, limit: number, offset: number], HoldRow>({
  name: 'my-holds',
  text: `
SELECT ${HOLD_COLUMNS}
  FROM holds
 WHERE user_id = $2 AND status = 'active' AND expires_at > $1 AND ($3::int IS NULL OR show_id = $3)
 ORDER BY expires_at, id
 LIMIT $4 OFFSET $5`,
});

export const COUNT_MY_HOLDS = statement<MyHoldsParams, { total: number }>({
  name: 'count-my-holds',
  text: `SELECT count(*)::int AS total FROM holds WHERE user_id = $2 AND status = 'active' AND expires_at > $1 AND ($3::int IS NULL OR show_id = $3)`,
});
