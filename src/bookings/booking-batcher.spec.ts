import { BatchedRequest, BookingBatcher, MAX_BATCH } from './booking-batcher';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BookingBatcher', () => {
  let batches: BatchedRequest<string>[][];
  let sut: BookingBatcher<string>;

  beforeEach(() => {
    batches = [];
    sut = new BookingBatcher<string>(async (batch) => {
      batches.push(batch);
      batch.forEach((request) => request.resolve(`${request.showId}:${request.seats.join(',')}`));
    });
  });

  it('runs the requests of one turn of the event loop as one batch, each getting its own answer', async () => {
    const answers = await Promise.all([sut.submit(1, 7, [1]), sut.submit(2, 7, [2, 3]), sut.submit(3, 8, [1])]);
    expect(answers).toEqual(['7:1', '7:2,3', '8:1']);
    expect(batches.map((b) => b.length)).toEqual([3]);
  });

  it("runs one customer's requests for one show one at a time, and other customers' meanwhile", async () => {
    let release: () => void = () => undefined;
    const runs: string[][] = [];
    const gated = new BookingBatcher<void>(async (batch) => {
      runs.push(batch.map((request) => `${request.userId}@${request.showId}:${request.seats.join(',')}`));
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      batch.forEach((request) => request.resolve());
    }, 4);
    const first = gated.submit(1, 7, [1]);
    await nextTurn();
    const others = [gated.submit(1, 7, [2]), gated.submit(2, 7, [3]), gated.submit(1, 8, [4])];
    await nextTurn();
    // Customer 1's second request for show 7 waits for the first; the others need not.
    expect(runs).toEqual([['1@7:1'], ['2@7:3', '1@8:4']]);
    release();
    await Promise.all([first, ...others]);
    expect(runs).toEqual([['1@7:1'], ['2@7:3', '1@8:4'], ['1@7:2']]);
  });

  it('never puts two requests for the same seat of the same show in one batch', async () => {
    const answers = await Promise.all([sut.submit(1, 7, [1, 2]), sut.submit(2, 7, [2, 3]), sut.submit(3, 7, [4]), sut.submit(4, 7, [3])]);
    expect(answers).toHaveLength(4);
    for (const batch of batches) {
      const seats = batch.flatMap((request) => request.seats.map((seat) => `${request.showId}:${seat}`));
      expect(new Set(seats).size).toBe(seats.length);
    }
    expect(batches.map((batch) => batch.map((request) => request.userId))).toEqual([[1, 3, 4], [2]]);
  });

  it("never starts a batch with a seat a running batch has: it would only wait for that batch's row locks", async () => {
    let release: () => void = () => undefined;
    const runs: string[][] = [];
    const gated = new BookingBatcher<void>(async (batch) => {
      runs.push(batch.map((request) => `${request.userId}:${request.seats.join(',')}`));
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      batch.forEach((request) => request.resolve());
    }, 4);
    const first = gated.submit(1, 7, [5, 6]);
    await nextTurn();
    const others = [gated.submit(2, 7, [6]), gated.submit(3, 7, [7]), gated.submit(4, 8, [6])];
    await nextTurn();
    // Seat 6 of show 7 is being booked: customer 2 waits; seat 7, and seat 6 of another show, go ahead.
    expect(runs).toEqual([['1:5,6'], ['3:7', '4:6']]);
    release();
    await Promise.all([first, ...others]);
    expect(runs).toEqual([['1:5,6'], ['3:7', '4:6'], ['2:6']]);
  });

  it(`carries at most ${MAX_BATCH} requests per batch`, async () => {
    await Promise.all(Array.from({ length: MAX_BATCH + 5 }, (_, i) => sut.submit(i, 1, [i + 1])));
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, 5]);
  });

  it('runs at most maxInFlight batches at once, so requests arriving meanwhile form a bigger next batch', async () => {
    let release: () => void = () => undefined;
    const sizes: number[] = [];
    const gated = new BookingBatcher<number>(async (batch) => {
      sizes.push(batch.length);
      if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      batch.forEach((request) => request.resolve(batch.length));
    }, 1);
    const first = gated.submit(1, 1, [1]);
    await nextTurn();
    const later = [2, 3, 4].map((seat) => gated.submit(seat, 1, [seat]));
    await nextTurn();
    expect(sizes).toEqual([1]);
    release();
    await expect(first).resolves.toBe(1);
    await expect(Promise.all(later)).resolves.toEqual([3, 3, 3]);
    expect(sizes).toEqual([1, 3]);
  });

  it('looks only so far into a queue of requests for one seat, one of them per batch, oldest first', async () => {
    const order: number[] = [];
    const oneSeat = new BookingBatcher<void>(async (batch) => {
      order.push(...batch.map((request) => request.userId));
      batch.forEach((request) => request.resolve());
    }, 1);
    await Promise.all(Array.from({ length: 50 }, (_, i) => oneSeat.submit(i, 1, [7])));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('hands a failed batch its error, to every request in it, and keeps serving', async () => {
    const failing = new BookingBatcher<string>(async (batch) => {
      if (batch.some((request) => request.seats.includes(13))) throw new Error('deadlock detected');
      batch.forEach((request) => request.resolve('ok'));
    });
    const first = failing.submit(1, 1, [13]);
    const second = failing.submit(2, 1, [14]);
    await expect(first).rejects.toThrow('deadlock detected');
    await expect(second).rejects.toThrow('deadlock detected');
    await nextTurn();
    await expect(failing.submit(3, 1, [15])).resolves.toBe('ok');
  });
});
