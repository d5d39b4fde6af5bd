/**
 * Lock 1 of the documented order (README "Locks", seat-rules.sql.ts): the
 * transaction-scoped advisory lock of a (customer, show) pair, so one
 * customer's holds, bookings and confirms of a show run one at a time and the
 * hold limit and the booking cap count exactly, whichever process serves them.
 * `pairs` is a query of (user_id, show_id) rows; their locks are taken in
 * (user, show) order, each pair once, so writers that lock several pairs
 * (a booking batch) queue instead of deadlocking. The key's shape is written
 * here only: the two-int form, customer first.
 */
export const lockCustomerShows = (pairs: string) => `SELECT count(pg_advisory_xact_lock(p.user_id, p.show_id))::int AS locked
  FROM (SELECT DISTINCT q.user_id::int AS user_id, q.show_id::int AS show_id FROM (${pairs}) AS q ORDER BY user_id, show_id) AS p`;
