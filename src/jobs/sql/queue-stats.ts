import { statement } from '../../database/statement';

export interface QueueStatsRow {
  queue: string;
  /** Jobs due to run (created or waiting to be retried, their start time passed). */
  due: number;
  /** Jobs that will run later (a delay or a retry's backoff). */
  later: number;
  running: number;
  /** Jobs that used up their tries: they stay, for an admin to see and retry. */
  failed: number;
  /** How long the oldest due job has waited, in seconds (0 when none waits). */
  oldest_due_seconds: number;
}

/**
 * What the queue holds, per kind, read from pg-boss's own job table (its
 * documented states). The partial indexes pg-boss keeps on (name, state) make
 * this cheap while the table holds mostly finished jobs.
 */
export const QUEUE_STATS = statement<[now: Date], QueueStatsRow>({
  name: 'queue-stats',
  text: `
SELECT q.name AS queue,
       count(j.id) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= $1)::int AS due,
       count(j.id) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after > $1)::int AS later,
       count(j.id) FILTER (WHERE j.state = 'active')::int AS running,
       count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
       coalesce(extract(epoch FROM $1::timestamptz - min(j.start_after) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= $1)), 0)::float8 AS oldest_due_seconds
  FROM pgboss.queue q
  LEFT JOIN pgboss.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active', 'failed')
 GROUP BY q.name
 ORDER BY q.name`,
});
