import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'pg';

/** Polls until `condition` holds; fails with `what` if it does not within `timeoutMs`. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/** Whether some other session is waiting for a lock that the backend `pid` holds. */
export async function isBlockingSomeone(pool: Pool, pid: number): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1::int = ANY (pg_blocking_pids(pid))`,
    [pid],
  );
  return rows[0].waiting > 0;
}

/** How many sessions on the pool's database are waiting for a lock right now (row, tuple or transaction). */
export async function lockWaiters(pool: Pool): Promise<number> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].waiting;
}

/** Whether some other session holds the seat's row lock right now (asked from a connection of its own, without waiting). */
export async function seatLockedByOthers(pool: Pool, showId: number, seat: number): Promise<boolean> {
  return pool.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = $2 FOR UPDATE NOWAIT', [showId, seat]).then(
    () => false,
    (error: { code?: string }) => {
      if (error.code === '55P03') return true;
      throw error;
    },
  );
}
