import { JobKind } from '../job-kind';

/**
 * Jobs of `kind` written by the caller's own statement, as one of its CTEs:
 * one job per row of `jobs`, a query of that statement whose column `data`
 * (jsonb) is the job's data. The change and its jobs are then one
 * statement and one round trip: what the booking statement does with its
 * confirmations, where a separate insert after it cost about a twentieth of
 * the booking throughput.
 *
 * The job takes its tries, backoff and timeout from its queue's row, which
 * `Jobs.ready(kind)` writes from the settings (await it before running the
 * statement; after the first time it costs nothing). A kind whose queue does
 * not exist fails the whole statement (pg-boss keeps one partition per queue,
 * and `name` finds none), so the change is never committed without its jobs.
 * Kinds with at most one waiting job (`oneAtATime`) are added with
 * `Jobs.add`, which knows that policy.
 */
export function insertJobs(kind: JobKind<object>, jobs: string): string {
  if (kind.options.oneAtATime) throw new Error(`${kind.name} allows one waiting job at a time: add it with Jobs.add`);
  return `
  INSERT INTO pgboss.job (name, data, policy, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter)
  SELECT '${kind.name}', j.data, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
         q.expire_seconds * interval '1 second', now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter
    FROM (${jobs}) j
    LEFT JOIN pgboss.queue q ON q.name = '${kind.name}'`;
}
