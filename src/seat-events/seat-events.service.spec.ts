import { Logger } from '@nestjs/common';
import { Database } from '../database/database';
import { packPayloads, SeatEventsService } from './seat-events.service';
import { SEAT_EVENTS_CHANNEL, SeatChange } from './seat-events.sql';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const NOTIFY_LIMIT_BYTES = 8000;

const bytes = (payload: string) => Buffer.byteLength(payload, 'utf8');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A small deterministic generator, so a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface SentNotify {
  channel: string;
  changes: SeatChange[];
  bytes: number;
}

/**
 * A Database whose rows() only records what it was asked. `fail` makes every
 * call reject; `hang` makes every call never settle (a lost connection).
 */
function stubDataSource(mode: 'ok' | 'fail' | 'hang' = 'ok') {
  const calls: { sql: string; params: unknown[] }[] = [];
  const rows = jest.fn(async (statement: { text: string }, ...params: unknown[]) => {
    calls.push({ sql: statement.text, params });
    if (mode === 'fail') throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    if (mode === 'hang') return new Promise(() => undefined);
    return [];
  });
  const notifies = (): SentNotify[] =>
    calls
      .filter((call) => call.sql.includes('pg_notify'))
      .map((call) => ({ channel: call.params[0] as string, changes: JSON.parse(call.params[1] as string), bytes: bytes(call.params[1] as string) }));
  return { dataSource: { rows, on: () => undefined } as unknown as Database, calls, notifies };
}

/** The service as Nest would build it, minus onModuleInit: no LISTEN connection is ever opened. */
const serviceOn = (db: Database) => new SeatEventsService('postgres://127.0.0.1:1/never-connected', db);

async function eventually(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SeatEventsService', () => {
  beforeEach(() => {
    // The failing-send cases log a warning per attempt; they are expected here.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('packPayloads', () => {
    /** Changes as publish() hands them over: at most 500 seats each (seat numbers go up to 2000). */
    function changes(count: number, seed: number): SeatChange[] {
      const next = random(seed);
      const statuses = ['available', 'held', 'booked'] as const;
      return Array.from({ length: count }, (_, i) => {
        const size = i % 7 === 0 ? 500 : Math.floor(next() * 60);
        const first = 1 + Math.floor(next() * (2001 - size));
        return { show_id: 1 + Math.floor(next() * 100_000), status: statuses[i % 3], seats: range(first, first + size - 1) };
      });
    }

    it('keeps every payload under the NOTIFY limit, each change exactly once, in order', () => {
      for (const seed of [1, 2, 3]) {
        const input = changes(400, seed);
        const packed = packPayloads(input);

        expect(packed.length).toBeGreaterThan(1);
        for (const { payload } of packed) expect(bytes(payload)).toBeLessThan(NOTIFY_LIMIT_BYTES);
        const decoded = packed.map(({ payload }) => JSON.parse(payload) as SeatChange[]);
        packed.forEach(({ count }, i) => expect(decoded[i]).toHaveLength(count));
        // Concatenated, the payloads are the input: every seat of every change once, nothing reordered.
        expect(decoded.flat()).toEqual(input);
        expect(decoded.flat().flatMap((c) => c.seats.map((seat) => `${c.show_id}/${c.status}/${seat}`))).toEqual(
          input.flatMap((c) => c.seats.map((seat) => `${c.show_id}/${c.status}/${seat}`)),
        );
      }
    });

    it('packs small changes together, and sends nothing for nothing', () => {
      const input = range(1, 50).map((i) => ({ show_id: i, status: 'booked' as const, seats: [i] }));
      expect(packPayloads(input)).toEqual([{ payload: JSON.stringify(input), count: 50 }]);
      expect(packPayloads([])).toEqual([]);
    });

    it('keeps a change that only says "the show changed" (no seats)', () => {
      const input: SeatChange[] = [{ show_id: 3, status: 'available', seats: [] }];
      expect(packPayloads(input)).toEqual([{ payload: '[{"show_id":3,"status":"available","seats":[]}]', count: 1 }]);
    });
  });

  describe('publish', () => {
    it('announces a 2,000-seat change in parts, every NOTIFY under the limit, every seat once and in order', async () => {
      const { dataSource, notifies } = stubDataSource();
      const service = serviceOn(dataSource);
      const heard: number[] = [];
      service.onAnyChange((showId) => heard.push(showId));
      const seats = range(1, 2000);

      service.publish({ show_id: 42, status: 'available', seats });
      // Local caches hear of it at once, once.
      expect(heard).toEqual([42]);
      await eventually('all 2,000 seats to be announced', () => notifies().flatMap((n) => n.changes).flatMap((c) => c.seats).length >= 2000);

      const sent = notifies();
      // One NOTIFY of all 2,000 seats would be ~8,900 bytes, which PostgreSQL refuses: it must be split.
      expect(sent.length).toBeGreaterThan(1);
      for (const notify of sent) {
        expect(notify.channel).toBe(SEAT_EVENTS_CHANNEL);
        expect(notify.bytes).toBeLessThan(NOTIFY_LIMIT_BYTES);
      }
      const parts = sent.flatMap((n) => n.changes);
      for (const part of parts) expect(part).toMatchObject({ show_id: 42, status: 'available' });
      expect(parts.flatMap((part) => part.seats)).toEqual(seats);
      await service.beforeApplicationShutdown();
    });

    it('a change of no seats is still announced once (caches of other instances drop the show)', async () => {
      const { dataSource, notifies } = stubDataSource();
      const service = serviceOn(dataSource);
      service.publish({ show_id: 7, status: 'available', seats: [] });
      await eventually('the announcement', () => notifies().length > 0);
      expect(notifies().flatMap((n) => n.changes)).toEqual([{ show_id: 7, status: 'available', seats: [] }]);
      await service.beforeApplicationShutdown();
    });

    it('changes published together travel in one NOTIFY', async () => {
      const { dataSource, notifies } = stubDataSource();
      const service = serviceOn(dataSource);
      const input = range(1, 20).map((i) => ({ show_id: 1, status: 'booked' as const, seats: [i] }));
      for (const change of input) service.publish(change);
      await eventually('the announcement', () => notifies().length > 0);
      await service.beforeApplicationShutdown();
      expect(notifies()).toEqual([{ channel: SEAT_EVENTS_CHANNEL, changes: input, bytes: expect.any(Number) }]);
    });
  });

  describe('beforeApplicationShutdown', () => {
    /** Runs the shutdown hook; how it ended and how long it took, or 'still waiting' after 5 s. */
    async function shutDown(service: SeatEventsService): Promise<{ result: string; ms: number }> {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        service.beforeApplicationShutdown().then(() => 'returned'),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5000))),
      ]);
      clearTimeout(timer);
      return { result, ms: Date.now() - started };
    }

    it('returns within ~2.5 s when every send fails (the database is gone)', async () => {
      const { dataSource, calls } = stubDataSource('fail');
      const service = serviceOn(dataSource);
      service.publish({ show_id: 1, status: 'booked', seats: [1] });
      await eventually('a first failed send', () => calls.length > 0);

      const { result, ms } = await shutDown(service);
      // The parent's outbox retried every 500 ms for ever, and shutdown waited for it.
      await service.onApplicationShutdown();
      expect(result).toBe('returned');
      expect(ms).toBeLessThan(2500);
      // It stops trying once shut down.
      const attempts = calls.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(calls.length).toBe(attempts);
    });

    it('returns within ~2.5 s when a send never answers (a lost connection)', async () => {
      const { dataSource, calls } = stubDataSource('hang');
      const service = serviceOn(dataSource);
      service.publish({ show_id: 1, status: 'booked', seats: [1] });
      await eventually('the send to start', () => calls.length > 0);

      const { result, ms } = await shutDown(service);
      await service.onApplicationShutdown();
      expect(result).toBe('returned');
      expect(ms).toBeLessThan(2500);
    });

    it('still sends what was published just before shutting down, when the database answers', async () => {
      const { dataSource, notifies } = stubDataSource();
      const service = serviceOn(dataSource);
      service.publish({ show_id: 9, status: 'held', seats: [4, 5] });
      const { result } = await shutDown(service);
      expect(result).toBe('returned');
      expect(notifies().flatMap((n) => n.changes)).toEqual([{ show_id: 9, status: 'held', seats: [4, 5] }]);
    });
  });
});
