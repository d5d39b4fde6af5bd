import { statement } from '../../database/statement';

export interface FailedJobRow {
  id: string;
  queue: string;
  created_on: Date;
  failed_on: Date | null;
  tries: number;
  error: string | null;
}

/**
 * Jobs that used up their tries, newest first: what failed and why, never the
 * job's data (a password-reset message carries its code). Read from pg-boss's
 * job table by its documented states.
 */
export const FAILED_JOBS = statement<[limit: number, offset: number], FailedJobRow>({
  name: 'failed-jobs',
  text: `
SELECT id::text, name AS queue, created_on, completed_on AS failed_on, retry_count + 1 AS tries,
       left(coalesce(output->>'message', output::text), 500) AS error
  FROM pgboss.job
 WHERE state = 'failed'
 ORDER BY completed_on DESC NULLS LAST, id
 LIMIT $1 OFFSET $2`,
});

export const COUNT_FAILED_JOBS = statement<[], { total: number }>({
  name: 'count-failed-jobs',
  text: `SELECT count(*)::int AS total FROM pgboss.job WHERE state = 'failed'`,
});

/** The queue of a failed job, to hand it back to pg-boss by (queue, id). */
export const FAILED_JOB_QUEUE = statement<[id: string], { queue: string }>({
  name: 'failed-job-queue',
  text: `SELECT name AS queue FROM pgboss.job WHERE id = $1::uuid AND state = 'failed'`,
});
