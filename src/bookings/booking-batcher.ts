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
/** How far into the queue one drain looks for requests that fit: keeps a drain cheap when many want the same seats. */
const SCAN_LIMIT = 4 * MAX_BATCH;

/**
 * Gathers booking requests into batches over pairwise different seats (a
 * request that shares a seat with one already in the batch waits for a later
 * batch, so no request's verdict depends on another's in the same statement),
 * and over seats no running batch has: a batch never waits in the database for
 * the row locks of another batch of this process (in a sell-out, requests for
 * a seat being booked wait here, costing nothing, and then meet it taken).
 * One customer's requests for one show also run one at a time, never in one
 * batch nor in two batches at once: the statement counts what the customer
 * has booked of the show already (MAX_BOOKED_SEATS_PER_SHOW), and that count
 * is exact only if no other booking of theirs for the show is in flight.
 * At most `maxInFlight` batches run at once; while they do, requests queue, so
 * batches grow exactly when the database is the bottleneck. Under light load a
 * batch is one request and costs nothing extra. The queue is first in, first
 * out: the oldest request is always in the next batch.
 */
export class BookingBatcher<T> {
  private queue: BatchedRequest<T>[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** (customer, show) pairs with a request in a running batch. */
  private readonly busyCustomers = new Set<string>();
  /** Seats ("show:seat") of the running batches. */
  private readonly busySeats = new Set<string>();

  constructor(
    private readonly run: (batch: BatchedRequest<T>[]) => Promise<void>,
    private readonly maxInFlight = 8,
  ) {}

  submit(userId: number, showId: number, seats: number[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ userId, showId, seats, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const claimed = new Set<string>();
    const batch: BatchedRequest<T>[] = [];
    const skipped: BatchedRequest<T>[] = [];
    let scanned = 0;
    while (scanned < this.queue.length && scanned < SCAN_LIMIT && batch.length < MAX_BATCH) {
      const request = this.queue[scanned++];
      const customer = `${request.userId}@${request.showId}`;
      const keys = request.seats.map((seat) => `${request.showId}:${seat}`);
      if (this.busyCustomers.has(customer) || keys.some((key) => claimed.has(key) || this.busySeats.has(key))) {
        skipped.push(request);
        continue;
      }
      for (const key of keys) claimed.add(key);
      this.busyCustomers.add(customer);
      batch.push(request);
    }
    this.queue = [...skipped, ...this.queue.slice(scanned)];
    // Everything waiting belongs to customers, or wants seats, of running batches: their end schedules again.
    if (batch.length === 0) return;
    for (const key of claimed) this.busySeats.add(key);
    this.inFlight++;
    this.run(batch)
      .catch((error) => {
        for (const request of batch) request.reject(error);
      })
      .finally(() => {
        for (const request of batch) this.busyCustomers.delete(`${request.userId}@${request.showId}`);
        for (const key of claimed) this.busySeats.delete(key);
        this.inFlight--;
        this.schedule();
      });
    this.schedule();
  }
}
