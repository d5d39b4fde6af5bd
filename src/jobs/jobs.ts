import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { DATABASE_URL } from '../database/database-url';
import { Statement, statement, Transaction } from '../database/statement';
import { Lifecycle } from '../lifecycle/lifecycle';
import { Job, JobHandler, JobKind } from './job-kind';
import { LoadGate } from './load-gate';
import { JobError } from './jobs.errors';
import { COUNT_FAILED_JOBS, FAILED_JOB_QUEUE, FAILED_JOBS, FailedJobRow } from './sql/failed-jobs';
import { QUEUE_STATS, QueueStatsRow } from './sql/queue-stats';

/** How the queue's connections show in pg_stat_activity. */
export const JOBS_APPLICATION_NAME = 'cinema-jobs';

export interface AddOptions {
  /** Not before this time (the queue's clock is the database's). */
  startAfter?: Date;
  /** Jobs with the same key are one job while one waits (see pg-boss singletonKey). */
  singletonKey?: string;
}

interface Registered {
  kind: JobKind<object>;
  handler: JobHandler<object>;
  working: boolean;
}

/** How long after start-up the queue starts: the service answers first. */
const QUEUE_START_DELAY_MS = 1000;

/** Tries at creating a queue that other processes may be creating at the same moment. */
const QUEUE_CREATION_ATTEMPTS = 10;

/** Fetchers of one kind per process, each taking up to JOBS_PER_FETCH due jobs at a time. */
const WORKERS_PER_KIND = 2;
/**
 * Due jobs one fetch takes, run side by side and completed by one statement.
 * One at a time, each e-mail of a rush cost a fetch and a completion of its own
 * (about a third of a ticket e-mail's CPU in the bench); a batch shares them.
 * 16 rather than 8: 0.85-0.99 against 1.27-1.30 ms of CPU a ticket e-mail in
 * the bench's booking load (two alternated pairs); 32 gave no more. A crash
 * mid-batch sends at most this many messages of each fetcher again.
 */
const JOBS_PER_FETCH = 16;

export type JobOutcome = 'completed' | 'failed';

/**
 * The job queue: pg-boss on the service's own PostgreSQL (schema `pgboss`,
 * created and upgraded by pg-boss itself at start).
 *
 * - `add(tx, kind, data)` writes the job with the caller's transaction, on its
 *   connection: a rolled-back change enqueues nothing, a committed one always
 *   runs (also after `kill -9`: the job is a row).
 * - Every instance and cluster worker runs the handlers; a job is fetched by
 *   one of them (`FOR UPDATE SKIP LOCKED`), so never runs twice at once. A run
 *   that throws is retried with exponential backoff up to its tries, then
 *   stays `failed` for an admin to see; a run whose process died is run again
 *   once its timeout (JOB_TIMEOUT_SECONDS) has passed.
 * - Stopping follows the drain: no new jobs from the moment draining starts;
 *   at shutdown the running ones get JOBS_SHUTDOWN_GRACE_SECONDS, then are
 *   handed back to run again. None is lost.
 */
@Injectable()
export class Jobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Jobs.name);
  private readonly kinds = new Map<string, Registered>();
  /** Made when the queue starts: pg-boss is loaded then, off the start-up path (about 75 ms of require). */
  private bossInstance?: PgBoss;
  private readonly bossOptions: PgBoss.ConstructorOptions;
  private running = false;
  private draining = false;
  private readonly outcomeListeners = new Set<(kind: string, outcome: JobOutcome) => void>();
  private readonly gate: LoadGate;

  constructor(
    @Inject(DATABASE_URL) databaseUrl: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly clock: Clock,
    lifecycle: Lifecycle,
  ) {
    const { poolSize, timeoutSeconds, retryLimit, retryDelaySeconds, yieldSeconds } = config.jobs;
    this.gate = new LoadGate(yieldSeconds * 1000);
    this.bossOptions = {
      connectionString: databaseUrl,
      application_name: JOBS_APPLICATION_NAME,
      max: poolSize,
      schema: 'pgboss',
      migrate: true,
      supervise: true,
      schedule: true,
      // Maintenance (expiring runs whose process died, archiving) on every instance; pg-boss takes turns by an advisory lock.
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.ceil(timeoutSeconds / 2))),
      expireInSeconds: timeoutSeconds,
      retryLimit,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
    };
    // No job starts once draining has begun; the ones running finish (or are handed back) at shutdown.
    lifecycle.onDrain(() => void this.stopWorking());
  }

  /**
   * The queue starts beside the app, not before it: pg-boss is loaded, checks
   * (or migrates, under its own advisory lock) its schema and creates the
   * queues a second after start-up, while the service already answers, which
   * keeps a restart within its 2 s. Nothing is added before its queue exists:
   * `add` starts the queue at once if need be and waits for it; readiness
   * waits for it too.
   */
  onApplicationBootstrap(): void {
    // A moment after the service is up, so a restart answers first (the first job added starts it at once).
    this.startTimer = setTimeout(() => {
      this.bootstrapped = true;
      this.start().catch((error: Error) => this.logger.warn(`the job queue did not start: ${error.message}; it is tried again when a job is added`));
      for (const registered of this.kinds.values()) this.startInBackground(registered);
      for (const apply of this.pendingSchedules.splice(0)) void apply();
    }, QUEUE_START_DELAY_MS);
    this.startTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.startTimer);
    await this.starting?.catch(() => undefined);
    if (!this.running) return;
    this.running = false;
    const db = this.boss.getDb() as unknown as BossDb;
    // No worker asks for jobs any more (SIGTERM's drain did this seconds ago; app.close() alone did not), and the
    // fetches already asked for are answered while the pool is open: the jobs they bring are work in progress,
    // which pg-boss's graceful stop waits for or hands back, not jobs run after its pool has closed.
    await this.stopWorking();
    await untilPoolQuiet(db, POOL_QUIET_GRACE_MS);
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: this.config.jobs.shutdownGraceSeconds * 1000 });
    await untilPoolQuiet(db, POOL_QUIET_GRACE_MS);
    await db.close?.();
  }

  /** Resolves once the queue has started (at once when it has); rejects if it cannot start now. */
  whenStarted(): Promise<void> {
    return this.running ? Promise.resolve() : this.start();
  }

  /**
   * The module that owns a kind registers its handler once, at start (or later:
   * it starts at once). The handler must be safe to run again for the same
   * job: a run cut off by a crash is retried.
   */
  register<Data extends object>(kind: JobKind<Data>, handler: JobHandler<Data>): void {
    if (this.kinds.has(kind.name)) throw new Error(`the job kind ${kind.name} is registered twice`);
    const registered: Registered = { kind, handler: handler as JobHandler<object>, working: false };
    this.kinds.set(kind.name, registered);
    if (this.bootstrapped) this.startInBackground(registered);
  }

  /** Adds a job in the caller's transaction: it exists if and only if the transaction commits. */
  async add<Data extends object>(tx: Transaction, kind: JobKind<Data>, data: Data, options: AddOptions = {}): Promise<string | null> {
    if (!this.kinds.has(kind.name)) throw new Error(`the job kind ${kind.name} has no handler registered`);
    await this.ensureQueue(kind);
    return this.boss.send(kind.name, data, {
      startAfter: options.startAfter,
      singletonKey: options.singletonKey,
      db: onTransaction(tx),
    });
  }

  /** Adds several jobs of one kind in one statement, in the caller's transaction (a batch of bookings, say). */
  async addMany<Data extends object>(tx: Transaction, kind: JobKind<Data>, data: Data[]): Promise<void> {
    if (!this.kinds.has(kind.name)) throw new Error(`the job kind ${kind.name} has no handler registered`);
    if (data.length === 0) return;
    await this.ensureQueue(kind);
    await this.boss.insert(
      data.map((item) => ({ name: kind.name, data: item })),
      { db: onTransaction(tx) },
    );
  }

  /**
   * Resolves once `kind` can be added by a statement's own insert
   * (insertJobs): it has a handler, and its queue exists with the current
   * settings. At once after the first time.
   */
  ready<Data extends object>(kind: JobKind<Data>): Promise<void> {
    if (!this.kinds.has(kind.name)) throw new Error(`the job kind ${kind.name} has no handler registered`);
    return this.ensureQueue(kind);
  }

  /** Runs `kind` on this cron schedule (UTC), once per slot across every instance; kept in the database across restarts. */
  schedule<Data extends object>(kind: JobKind<Data>, cron: string, data: Data): void {
    const apply = () =>
      this.ensureQueue(kind)
        .then(() => this.boss.schedule(kind.name, cron, data, { tz: 'UTC' }))
        .catch((error: Error) => this.logger.warn(`could not schedule ${kind.name}: ${error.message}`));
    // Applied when the queue starts, not now: start-up stays off the queue's path.
    if (this.bootstrapped) void apply();
    else this.pendingSchedules.push(apply);
  }

  /** Depth, running, failed and the oldest due job's age, per kind. */
  async stats(): Promise<QueueStatsRow[]> {
    return this.db.rows(QUEUE_STATS, this.clock.now());
  }

  /** Jobs that used up their tries, newest first. */
  async failed(limit: number, offset: number): Promise<{ rows: FailedJobRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([this.db.rows(FAILED_JOBS, limit, offset), this.db.rows(COUNT_FAILED_JOBS)]);
    return { rows, total };
  }

  /** A failed job runs again with fresh tries (pg-boss's retry). */
  async retryFailed(id: string): Promise<void> {
    const [job] = await this.db.rows(FAILED_JOB_QUEUE, id);
    if (!job) throw new JobError('JOB_NOT_FOUND');
    await this.start();
    await this.boss.retry(job.queue, id);
  }

  /** Metrics subscribe here: every finished run of every kind. */
  onOutcome(listener: (kind: string, outcome: JobOutcome) => void): void {
    this.outcomeListeners.add(listener);
  }

  /** pg-boss, once started (every caller has awaited `start()` first). */
  private get boss(): PgBoss {
    if (!this.bossInstance) throw new Error('the job queue has not started');
    return this.bossInstance;
  }

  private queueReady = new Map<string, Promise<void>>();
  private starting?: Promise<void>;
  private bootstrapped = false;
  private readonly pendingSchedules: (() => Promise<void>)[] = [];
  private startTimer?: NodeJS.Timeout;

  /** pg-boss started once; a failed start (the database away) is tried again by the next caller. */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      if (!this.bossInstance) {
        const { default: PgBossClass } = await import('pg-boss');
        this.bossInstance = new PgBossClass(this.bossOptions);
        this.bossInstance.on('error', (error) => this.logger.warn(`job queue: ${error.message}`));
      }
      await this.bossInstance.start();
    })().then(
      () => {
        this.running = true;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  private startInBackground(registered: Registered): void {
    this.startWorking(registered).catch((error: Error) => {
      registered.working = false;
      this.logger.warn(`the workers of ${registered.kind.name} did not start: ${error.message}`);
    });
  }

  private ensureQueue(kind: JobKind<object>): Promise<void> {
    let ready = this.queueReady.get(kind.name);
    if (!ready) {
      ready = (async () => {
        await this.start();
        const queue = this.queueSettings(kind);
        // Instances and cluster workers start at once: two creations of one queue can deadlock in pg-boss,
        // and the loser finds the queue once the winner has committed.
        let found: PgBoss.QueueResult | null;
        for (let attempt = 1; !(found = await this.boss.getQueue(kind.name)); attempt++) {
          try {
            await this.boss.createQueue(kind.name, queue);
          } catch (error) {
            if (attempt >= QUEUE_CREATION_ATTEMPTS) throw error;
            await sleep(50 * attempt);
          }
        }
        // Jobs written by a statement of their own (insertJobs) take these from the queue's row: keep it current.
        const settings = ['retryLimit', 'retryDelay', 'retryBackoff', 'expireInSeconds'] as const;
        if (settings.some((key) => found[key] !== queue[key])) await this.boss.updateQueue(kind.name, queue);
      })();
      // A queue that could not be made now is tried again by the next caller.
      ready.catch(() => this.queueReady.delete(kind.name));
      this.queueReady.set(kind.name, ready);
    }
    return ready;
  }

  /** A kind's queue: its policy, and the tries, backoff and timeout of its jobs (the kind's own tries, else JOB_RETRY_LIMIT). */
  private queueSettings(kind: JobKind<object>) {
    const { retryLimit, retryDelaySeconds, timeoutSeconds } = this.config.jobs;
    return {
      name: kind.name,
      policy: kind.options.oneAtATime ? 'stately' : 'standard',
      retryLimit: kind.options.retryLimit ?? retryLimit,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: timeoutSeconds,
    } as const;
  }

  private async startWorking(registered: Registered): Promise<void> {
    if (registered.working || this.draining) return;
    registered.working = true;
    await this.ensureQueue(registered.kind);
    const { name } = registered.kind;
    // Between two fetches pg-boss waits the polling interval; a worker that just ran a job asks again at once
    // (notifyWorker), so a backlog drains at the handlers' pace and an idle queue costs one query per interval.
    for (let i = 0; i < WORKERS_PER_KIND; i++) {
      const workerId: string = await this.boss.work<object>(name, { pollingIntervalSeconds: this.config.jobs.pollSeconds, batchSize: JOBS_PER_FETCH }, async (jobs) => {
        try {
          await this.gate.whenQuiet();
          await this.runBatch(registered, jobs as Job<object>[]);
        } finally {
          if (workerId && !this.draining) this.boss.notifyWorker(workerId);
        }
      });
    }
  }

  /**
   * The jobs of one fetch run side by side, each on its own: one that throws
   * is failed alone (retried with backoff, or failed for good), and pg-boss
   * completes the rest in one statement when this returns (its completion
   * only touches jobs still active). Only if failing one cannot be recorded
   * does this throw, and then every job of the batch is tried again, as a
   * run cut off by a crash would be.
   */
  private async runBatch(registered: Registered, jobs: Job<object>[]): Promise<void> {
    const { name } = registered.kind;
    const results = await Promise.allSettled(jobs.map((job) => registered.handler(job)));
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        this.outcome(name, 'completed');
        continue;
      }
      const error = result.reason as Error;
      this.outcome(name, 'failed');
      this.logger.warn(`job ${name} ${jobs[i].id} failed, to be retried: ${error.message}`);
      await this.boss.fail(name, jobs[i].id, error);
    }
  }

  private async stopWorking(): Promise<void> {
    this.draining = true;
    for (const registered of this.kinds.values()) {
      if (!registered.working) continue;
      registered.working = false;
      await this.bossInstance?.offWork(registered.kind.name).catch(() => undefined);
    }
  }

  private outcome(kind: string, outcome: JobOutcome): void {
    for (const listener of this.outcomeListeners) listener(kind, outcome);
  }
}

/** What pg-boss's own `db` is beyond its typed `executeSql`: the pool of its connections (pg-boss 10). */
export interface BossDb {
  pool?: { readonly waitingCount: number; readonly idleCount: number; readonly totalCount: number };
  close?: () => Promise<void>;
}

/**
 * How long a stop waits, before and after pg-boss's own, for the queries on
 * pg-boss's connections to end. Normally a few milliseconds; 5 queues' start-ups
 * at once on this 2-core machine took up to 2 s; a database that stopped
 * answering must not hold a stop for longer.
 */
const POOL_QUIET_GRACE_MS = 5000;

/**
 * Until no query runs on, or waits for, one of the pool's connections (or
 * `graceMs` has passed). pg's pool never serves a query that waits when `end()`
 * is called, nor fails it: pg-boss ended its pool so, and a worker whose fetch
 * waited there never stopped, polled a second at a time, and its process could
 * not exit by itself (jest never ended after
 * test/concurrency/booking-cap.e2e-spec.ts run alone: its queues were closed
 * while their workers started, their first fetches all at once on 2
 * connections).
 */
export async function untilPoolQuiet(db: BossDb, graceMs: number): Promise<void> {
  const pool = db.pool;
  if (!pool) return;
  const until = performance.now() + graceMs;
  while ((pool.waitingCount > 0 || pool.idleCount < pool.totalCount) && performance.now() < until) await sleep(10);
}

/**
 * pg-boss's own SQL, run on the caller's transaction. Its texts are constant,
 * so each is a named statement, prepared once per connection: its insert is
 * a long statement whose planning, repeated on every booking batch, cost a
 * fifth of the booking throughput.
 */
const prepared = new Map<string, Statement<unknown[], unknown>>();

function onTransaction(tx: Transaction): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      let known = prepared.get(text);
      if (!known) {
        known = statement<unknown[], unknown>({ name: `pg-boss-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text });
        prepared.set(text, known);
      }
      return { rows: await tx.rows(known, ...values) };
    },
  };
}
