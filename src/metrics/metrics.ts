import cluster from 'node:cluster';
import { Injectable } from '@nestjs/common';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What the service counts, for Prometheus (GET /metrics). One registry per app
 * (tests run several in one process). Process memory, GC and event-loop lag
 * come from prom-client's default metrics; gauges of things that exist
 * anyway (pool, streams) are read when scraped.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly problems = new Counter({
    name: 'http_problems_total',
    help: 'problem+json answers by status and code',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });

  readonly bookingsCreated = new Counter({ name: 'bookings_created_total', help: 'Seats booked (a booking is one seat)', registers: [this.registry] });

  readonly bookingsRefused = new Counter({
    name: 'booking_requests_refused_total',
    help: 'Booking requests refused, by the refusal code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly bookingsCancelled = new Counter({ name: 'bookings_cancelled_total', help: 'Bookings cancelled', registers: [this.registry] });

  readonly holds = new Counter({
    name: 'holds_total',
    help: 'Holds by what happened to them: created, confirmed, released, expired',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'conflict_retries_total',
    help: 'Handlers re-run after PostgreSQL aborted them, by SQLSTATE (40001, 40P01, 55P03)',
    labelNames: ['sqlstate'] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'booking_batch_size',
    help: 'Booking requests that shared one statement',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly idempotencyReplays = new Counter({
    name: 'idempotency_replays_total',
    help: 'Requests answered with the stored answer of an earlier one with the same Idempotency-Key',
    registers: [this.registry],
  });

  readonly payments = new Counter({
    name: 'payments_total',
    help: 'Payments settled, by provider and outcome: succeeded (seats booked), declined, refunded_seats_gone / refunded_show_cancelled (paid, refunded at once)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly refunds = new Counter({
    name: 'refunds_total',
    help: "Refunds the provider carried out (succeeded) or refused (failed), by the provider's verdict",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused 429 by a limit, by the limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    // A cluster worker answers the primary's gathering (lifecycle/workers.ts) with this registry:
    // prom-client starts listening for the primary's requests when an AggregatorRegistry is made.
    if (cluster.isWorker) {
      AggregatorRegistry.setRegistries([this.registry]);
      void new AggregatorRegistry();
    }
  }

  /** A gauge read when Prometheus scrapes: `read` returns the value, or values by label. */
  gauge(name: string, help: string, read: () => number | Record<string, number>, labelNames: string[] = []): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        const value = read();
        if (typeof value === 'number') this.set(value);
        else for (const [label, n] of Object.entries(value)) this.set({ [labelNames[0]]: label }, n);
      },
    });
  }
}
