import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';

/** The header that marks an answer as a replay of the first one. */
export const REPLAYED = 'idempotent-replayed';

/** A fresh Idempotency-Key. */
export const newKey = () => `key-${randomUUID()}`;

/** The two answers are the same answer: status, body and content type, the second marked as replayed. */
export function expectReplayOf(replay: Response, first: Response): void {
  expect(first.headers[REPLAYED]).toBeUndefined();
  expect(replay.headers[REPLAYED]).toBe('true');
  expect(replay.status).toBe(first.status);
  expect(replay.body).toEqual(first.body);
  expect(replay.headers['content-type']).toBe(first.headers['content-type']);
}
