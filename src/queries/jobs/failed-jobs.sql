-- rendered from src/jobs/sql/failed-jobs.ts by src/database/statements.spec.ts

-- failed-jobs
SELECT id::text, name AS queue, created_on, completed_on AS failed_on, retry_count + 1 AS tries,
       left(coalesce(output->>'message', output::text), 500) AS error
  FROM pgboss.job
 WHERE state = 'failed'
 ORDER BY completed_on DESC NULLS LAST, id
 LIMIT $1 OFFSET $2;

-- count-failed-jobs
SELECT count(*)::int AS total FROM pgboss.job WHERE state = 'failed';

-- failed-job-queue
SELECT name AS queue FROM pgboss.job WHERE id = $1::uuid AND state = 'failed';
