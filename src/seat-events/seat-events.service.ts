import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { OutageLog } from '../common/outage-log';
import { Database } from '../database/database';
import { DATABASE_URL } from '../database/database-url';
import { Lifecycle } from '../lifecycle/lifecycle';
import { Metrics } from '../metrics/metrics';
import { MAX_PAYLOAD_BYTES, SEAT_CHANGES, SEAT_EVENTS_CHANNEL, SeatChange, SeatStatus } from './seat-events.sql';
import { NOTIFY_SEAT_CHANGES } from './sql/notify-seat-changes';

export interface SeatEvent {
  seat_number: number;
  status: SeatStatus;
}

type Listener = (event: SeatEvent) => void;
type ChangeListener = (showId: number) => void;

/** Reconnect attempts back off from the first delay to the last while the database stays away. */
const RECONNECT_DELAY_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 10_000;
/** Changes published within this window travel in one NOTIFY: far fewer statements under load, still well within a second. */
const BATCH_WINDOW_MS = 20;
const RETRY_SEND_MS = 500;
const SHUTDOWN_FLUSH_MS = 2000;
/** A change of more seats than this is announced in several parts, so no NOTIFY payload is too long. */
const MAX_SEATS_PER_CHANGE = 500;
/** Past this many unsent changes (the database unreachable for long), the oldest are dropped. */
const MAX_PENDING_CHANGES = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How the LISTEN connection shows in pg_stat_activity. */
export const SEAT_EVENTS_APPLICATION_NAME = 'cinema-seat-events';

/**
 * Seat changes between app instances, over PostgreSQL LISTEN/NOTIFY and one
 * connection per instance, which serves every stream client of every show.
 *
 * Writers publish after their transaction commits, never inside it: a NOTIFY
 * inside a transaction takes a database-wide lock held through the commit's
 * disk flush, which made every booking commit wait for every other one (about
 * 4x fewer bookings per second). Published changes are packed into few NOTIFY
 * statements sent with synchronous_commit off, since an announcement needs no
 * durability. Only committed changes are announced; a change is lost only if
 * the process dies between its commit and the send, which the seat map cache
 * bounds with a maximum age.
 */
@Injectable()
export class SeatEventsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SeatEventsService.name);
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly changeListeners = new Set<ChangeListener>();
  /** Open streams end before the HTTP server closes, which would otherwise wait for them forever. */
  private readonly closers = new Set<() => void>();
  private outbox: SeatChange[] = [];
  private sending?: Promise<void>;
  private client?: Client;
  private listening = false;
  private stopped = false;
  private readyPromise?: Promise<void>;
  private reconnectAttempts = 0;
  private readonly listenOutage = new OutageLog(this.logger, 'the LISTEN connection for seat events');
  private readonly announceOutage = new OutageLog(this.logger, 'announcing seat changes');

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly db: Database,
    lifecycle: Lifecycle = new Lifecycle(),
    metrics?: Metrics,
  ) {
    metrics?.gauge('seat_events_listening', '1 while the LISTEN connection for seat events is up', () => (this.listening ? 1 : 0));
    // Every committed change of seats, from whichever statement made it.
    db.on(SEAT_CHANGES, (changes) => changes.forEach((change) => this.publish(change)));
    // Streams end when draining starts, so their clients reconnect to an instance that stays.
    lifecycle.onDrain(() => this.closeStreams());
  }

  onModuleInit(): void {
    this.readyPromise = this.connect();
    this.readyPromise.catch((error) => this.listenOutage.failed(error));
  }

  /** Resolves once LISTEN is in place. */
  ready(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
  }

  /**
   * Announces committed changes: local caches hear of them at once (before the
   * writer answers), every instance's streams and caches shortly after.
   */
  publish(change: SeatChange): void {
    for (const listener of this.changeListeners) listener(change.show_id);
    for (let i = 0; i === 0 || i < change.seats.length; i += MAX_SEATS_PER_CHANGE) {
      this.outbox.push({ ...change, seats: change.seats.slice(i, i + MAX_SEATS_PER_CHANGE) });
    }
    if (this.outbox.length > MAX_PENDING_CHANGES) this.outbox.splice(0, this.outbox.length - MAX_PENDING_CHANGES);
    if (!this.sending) this.sending = this.flush();
  }

  /** Caches subscribe here: called with a show id for every change, or -1 when events may have been missed. */
  onAnyChange(listener: ChangeListener): void {
    this.changeListeners.add(listener);
  }

  /** While false, changes from other instances may be missed, so caches must not trust themselves. */
  isListening(): boolean {
    return this.listening;
  }

  /** `close` is called if the app shuts down while the subscriber is still there. */
  subscribe(showId: number, listener: Listener, close: () => void = () => undefined): () => void {
    let set = this.listeners.get(showId);
    if (!set) this.listeners.set(showId, (set = new Set()));
    set.add(listener);
    this.closers.add(close);
    return () => {
      this.closers.delete(close);
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(showId);
    };
  }

  listenerCount(showId: number): number {
    return this.listeners.get(showId)?.size ?? 0;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // One last chance for what was published, bounded: shutting down must not wait on a lost database.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sending, new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS)))]);
    clearTimeout(timer);
    this.closeStreams();
  }

  private closeStreams(): void {
    for (const close of [...this.closers]) close();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  /**
   * Sends everything published so far, packed into as few NOTIFYs as fit, then
   * whatever arrived meanwhile, through the pool (whose statement timeout keeps a
   * lost connection from hanging it); any connection can NOTIFY. A batch that
   * could not be sent waits for the next try.
   */
  private async flush(): Promise<void> {
    if (!this.stopped) await sleep(BATCH_WINDOW_MS);
    while (this.outbox.length > 0) {
      const batch = this.outbox;
      this.outbox = [];
      let sent = 0;
      try {
        for (const { payload, count } of packPayloads(batch)) {
          await this.db.rows(NOTIFY_SEAT_CHANGES, SEAT_EVENTS_CHANNEL, payload);
          sent += count;
        }
        this.announceOutage.succeeded();
      } catch (error) {
        this.announceOutage.failed(error);
        this.outbox = [...batch.slice(sent), ...this.outbox].slice(-MAX_PENDING_CHANGES);
        if (this.stopped) break;
        await sleep(RETRY_SEND_MS);
      }
    }
    this.sending = undefined;
  }

  private async connect(): Promise<void> {
    // keepAlive: a connection silently dropped by the network is noticed, and reconnected.
    const client = new Client({ connectionString: this.databaseUrl, application_name: SEAT_EVENTS_APPLICATION_NAME, keepAlive: true });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => {
      this.listenOutage.failed(error);
      this.reconnectLater(client);
    });
    client.on('end', () => this.reconnectLater(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${SEAT_EVENTS_CHANNEL}`);
    this.listening = true;
    this.reconnectAttempts = 0;
    this.listenOutage.succeeded();
    // Whatever was cached while we could not hear other instances may be stale.
    for (const listener of this.changeListeners) listener(-1);
  }

  private reconnectLater(failed: Client): void {
    if (this.client !== failed) return;
    this.listening = false;
    this.client = undefined;
    for (const listener of this.changeListeners) listener(-1);
    if (this.stopped) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, RECONNECT_DELAY_MS * 2 ** this.reconnectAttempts++);
    setTimeout(() => {
      if (this.stopped) return;
      this.readyPromise = this.connect().catch((error) => {
        this.listenOutage.failed(error);
        this.reconnectLater(this.client as Client);
      });
    }, delay).unref();
  }

  private dispatch(payload: string | undefined): void {
    let changes: SeatChange[];
    try {
      changes = JSON.parse(payload ?? '[]') as SeatChange[];
      if (!Array.isArray(changes)) throw new Error('not an array');
    } catch {
      this.logger.warn('ignoring a malformed seat event');
      return;
    }
    for (const change of changes) {
      for (const listener of this.changeListeners) listener(change.show_id);
      const listeners = this.listeners.get(change.show_id);
      if (!listeners) continue;
      for (const seat_number of change.seats) {
        for (const listener of listeners) listener({ seat_number, status: change.status });
      }
    }
  }
}

/** JSON arrays of changes, each under the NOTIFY payload limit, with how many changes each carries. */
export function packPayloads(changes: SeatChange[]): { payload: string; count: number }[] {
  const payloads: { payload: string; count: number }[] = [];
  let current: string[] = [];
  let size = 2;
  const close = () => payloads.push({ payload: `[${current.join(',')}]`, count: current.length });
  for (const change of changes) {
    const json = JSON.stringify(change);
    if (current.length > 0 && size + json.length + 1 > MAX_PAYLOAD_BYTES) {
      close();
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) close();
  return payloads;
}
