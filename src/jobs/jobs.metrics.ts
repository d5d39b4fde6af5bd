import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { Jobs } from './jobs';

/**
 * The queue's metrics: runs by outcome (this process), and what the queue
 * holds (read from the database when scraped; the same for every process, so
 * a cluster's gathering takes the largest rather than the sum).
 */
@Injectable()
export class JobsMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly jobs: Jobs,
  ) {}

  onModuleInit(): void {
    const runs = new Counter({
      name: 'jobs_total',
      help: 'Job runs by queue and outcome (completed, failed: a failed run is retried until its tries are used up)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [this.metrics.registry],
    });
    this.jobs.onOutcome((queue, outcome) => runs.inc({ queue, outcome }));
    const jobs = this.jobs;
    new Gauge({
      name: 'job_queue_jobs',
      help: 'Jobs in the queue by queue and state: due (waiting to run), later (delayed or backing off), running, failed (tries used up)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const row of await jobs.stats().catch(() => [])) {
          for (const state of ['due', 'later', 'running', 'failed'] as const) this.set({ queue: row.queue, state }, row[state]);
        }
      },
    });
    new Gauge({
      name: 'job_queue_oldest_due_seconds',
      help: 'How long the oldest due job of each queue has waited to run',
      labelNames: ['queue'] as const,
      registers: [this.metrics.registry],
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const row of await jobs.stats().catch(() => [])) this.set({ queue: row.queue }, row.oldest_due_seconds);
      },
    });
  }
}
