/** One booking request waiting for its batch. */
export interface BatchedRequest<T> {
  userId: number;
  showId: number;
  seats: number[];
  resolve(result: T): void;
  reject(error: unknown): void;
}

/** The most requests one statement carries. */
export const MAX_BATCH = 64;

/**
 * Gathers the booking requests that arrive in the same turn of the event loop
 * into batches of requests over pairwise different seats (a request that
 * shares a seat with one already in the batch waits for the next batch, so no
 * request's verdict depends on another's in the same statement). Batches run
 * concurrently, each on its own connection. Under light load a batch is one
 * request and costs nothing extra; under heavy load one round trip and one
 * commit serve dozens of bookings.
 */
export class BookingBatcher<T> {
  private queue: BatchedRequest<T>[] = [];
  private scheduled = false;

  constructor(private readonly run: (batch: BatchedRequest<T>[]) => Promise<void>) {}

  submit(userId: number, showId: number, seats: number[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ userId, showId, seats, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const claimed = new Set<string>();
    const batch: BatchedRequest<T>[] = [];
    const later: BatchedRequest<T>[] = [];
    for (const request of this.queue) {
      const keys = request.seats.map((seat) => `${request.showId}:${seat}`);
      if (batch.length < MAX_BATCH && keys.every((key) => !claimed.has(key))) {
        for (const key of keys) claimed.add(key);
        batch.push(request);
      } else {
        later.push(request);
      }
    }
    this.queue = later;
    if (later.length > 0) this.schedule();
    this.run(batch).catch((error) => {
      for (const request of batch) request.reject(error);
    });
  }
}
