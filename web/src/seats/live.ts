import { useEffect, useState } from 'react';
import type { SeatStatus } from '../api/client';
import type { SeatStore } from './store';

const STATUSES = new Set<string>(['available', 'held', 'booked']);
const MAX_BACKOFF_MS = 30_000;

export type StreamState = 'connecting' | 'live' | 'reconnecting';

function parse(data: string): { seat_number: number; status: SeatStatus } | null {
  try {
    const event: unknown = JSON.parse(data);
    if (typeof event !== 'object' || event === null || !('seat_number' in event) || !('status' in event)) return null;
    const { seat_number, status } = event;
    return typeof seat_number === 'number' && typeof status === 'string' && STATUSES.has(status) ? { seat_number, status: status as SeatStatus } : null;
  } catch {
    return null;
  }
}

/**
 * The show's seat stream into the store. The map is read after the stream is
 * open (updates meanwhile wait for it), and read again after every reconnect,
 * since changes made while disconnected were not streamed. EventSource retries
 * a dropped stream by itself; a refused one (429, 503) is retried here with
 * backoff.
 */
export function useSeatStream(showId: number, store: SeatStore, readMap: () => Promise<void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    let source: EventSource | null = null;
    let retry = 0;
    let backoff = 1000;
    let stopped = false;

    const connect = () => {
      source = new EventSource(`/shows/${showId}/seats/stream`);
      source.addEventListener('seat', (message) => {
        const event = parse((message as MessageEvent<string>).data);
        if (event) store.queue(event.seat_number, event.status);
      });
      source.onopen = () => {
        backoff = 1000;
        setState('live');
        store.reloading();
        void readMap();
      };
      source.onerror = () => {
        if (stopped) return;
        setState('reconnecting');
        if (source?.readyState === EventSource.CLOSED) {
          retry = window.setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      };
    };
    store.reloading();
    void readMap();
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [showId, store, readMap]);
  return state;
}
