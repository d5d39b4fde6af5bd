import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DATABASE_URL } from '../database/database-url';
import { SEAT_EVENTS_CHANNEL, SeatChange, SeatStatus } from './seat-events.sql';

export interface SeatEvent {
  seat_number: number;
  status: SeatStatus;
}

type Listener = (event: SeatEvent) => void;
type ChangeListener = (showId: number) => void;

const RECONNECT_DELAY_MS = 1000;

/**
 * One LISTEN connection per app instance, shared by every stream client of
 * every show. Changes made by any instance reach all of them, because the
 * writers NOTIFY through PostgreSQL itself.
 */
@Injectable()
export class SeatEventsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SeatEventsService.name);
  private readonly listeners = new Map<number, Set<Listener>>();
  /** Open streams end before the HTTP server closes, which would otherwise wait for them forever. */
  private readonly closers = new Set<() => void>();
  private readonly changeListeners = new Set<ChangeListener>();
  private client?: Client;
  private listening = false;
  private stopped = false;
  private readyPromise?: Promise<void>;

  constructor(@Inject(DATABASE_URL) private readonly databaseUrl: string) {}

  onModuleInit(): void {
    this.readyPromise = this.connect();
    this.readyPromise.catch(() => undefined);
  }

  /** Resolves once LISTEN is in place (tests await it before making changes). */
  ready(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
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

  beforeApplicationShutdown(): void {
    for (const close of [...this.closers]) close();
  }

  /**
   * Called for every change of any show's seats: at once for changes this
   * instance commits (`changedHere`), and when the NOTIFY arrives for changes
   * made anywhere. Caches subscribe here.
   */
  onAnyChange(listener: ChangeListener): void {
    this.changeListeners.add(listener);
  }

  /** Writers call this right after their commit, before answering, so local caches never lag their own writes. */
  changedHere(showId: number): void {
    for (const listener of this.changeListeners) listener(showId);
  }

  /** While false, events from other instances may be missed, so caches must not trust themselves. */
  isListening(): boolean {
    return this.listening;
  }

  listenerCount(showId: number): number {
    return this.listeners.get(showId)?.size ?? 0;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection failed: ${error.message}`);
      this.reconnectLater(client);
    });
    client.on('end', () => this.reconnectLater(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${SEAT_EVENTS_CHANNEL}`);
    this.listening = true;
  }

  private reconnectLater(failed: Client): void {
    if (this.client === failed) this.listening = false;
    if (this.stopped || this.client !== failed) return;
    this.client = undefined;
    for (const listener of this.changeListeners) listener(-1);
    setTimeout(() => {
      if (this.stopped) return;
      this.readyPromise = this.connect().catch((error) => {
        this.logger.warn(`LISTEN reconnect failed: ${(error as Error).message}`);
        this.reconnectLater(this.client as Client);
      });
    }, RECONNECT_DELAY_MS).unref();
  }

  private dispatch(payload: string | undefined): void {
    if (!payload) return;
    let change: SeatChange;
    try {
      change = JSON.parse(payload) as SeatChange;
    } catch {
      this.logger.warn('ignoring a malformed seat event');
      return;
    }
    for (const listener of this.changeListeners) listener(change.show_id);
    const listeners = this.listeners.get(change.show_id);
    if (!listeners) return;
    for (const seat_number of change.seats) {
      for (const listener of listeners) listener({ seat_number, status: change.status });
    }
  }
}
