-- rendered from src/jobs/sql/queue-stats.ts by src/database/statements.spec.ts

-- queue-stats
SELECT q.name AS queue,
       count(j.id) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= $1)::int AS due,
       count(j.id) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after > $1)::int AS later,
       count(j.id) FILTER (WHERE j.state = 'active')::int AS running,
       count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
       coalesce(extract(epoch FROM $1::timestamptz - min(j.start_after) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= $1)), 0)::float8 AS oldest_due_seconds
  FROM pgboss.queue q
  LEFT JOIN pgboss.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active', 'failed')
 GROUP BY q.name
 ORDER BY q.name;
