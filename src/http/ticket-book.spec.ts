import { TicketBook } from './ticket-book';

const SLACK = 250;
const GRACE = 2000;

/** What the book must answer, counted the slow way: through every ticket. */
class Counted {
  readonly dueAt = new Map<number, number>();
  private now = 0;

  advance(now: number): void {
    this.now = now;
    for (const [seq, dueAt] of this.dueAt) if (dueAt + GRACE < now) this.dueAt.delete(seq);
  }

  before(seq: number): number {
    let n = 0;
    for (const s of this.dueAt.keys()) if (s < seq) n++;
    return n;
  }

  dueBefore(seq: number): number {
    let n = 0;
    for (const [s, dueAt] of this.dueAt) if (s < seq && dueAt - SLACK <= this.now) n++;
    return n;
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('TicketBook: how many tickets, and due ones, are ahead of a number', () => {
  it('answers as counting through every ticket does, over thousands of random issues, re-issues, removals and lapses', () => {
    const wrong: string[] = [];
    let probes = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const book = new TicketBook(SLACK, GRACE);
      const counted = new Counted();
      let now = 1_000_000;
      let nextSeq = 1;
      const removed: number[] = [];
      for (let step = 0; step < 3000; step++) {
        now += Math.floor(next() * (next() < 0.9 ? 20 : 1500));
        book.advance(now);
        counted.advance(now);
        const live = [...counted.dueAt.keys()];
        const pick = next();
        if (pick < 0.5) {
          // A new ticket, due in one to three seconds.
          const seq = nextSeq++;
          const dueAt = now + 1000 * (1 + Math.floor(next() * 3));
          book.issue(seq, dueAt, now);
          counted.dueAt.set(seq, dueAt);
        } else if (pick < 0.65 && live.length > 0) {
          // Shown when due, refused again: the same number, a new time.
          const seq = live[Math.floor(next() * live.length)];
          const dueAt = now + 1000 * (1 + Math.floor(next() * 3));
          book.remove(seq);
          book.issue(seq, dueAt, now);
          counted.dueAt.set(seq, dueAt);
        } else if (pick < 0.75 && live.length > 0) {
          // Shown early: the same ticket again.
          const seq = live[Math.floor(next() * live.length)];
          book.issue(seq, counted.dueAt.get(seq)!, now);
        } else if (pick < 0.9 && live.length > 0) {
          // Admitted: the ticket is used.
          const seq = live[Math.floor(next() * live.length)];
          book.remove(seq);
          counted.dueAt.delete(seq);
          removed.push(seq);
        } else if (removed.length > 0) {
          // A number issued again after its ticket went (below every live one, at times).
          const seq = removed[Math.floor(next() * removed.length)];
          const dueAt = now + (next() < 0.5 ? 0 : 1000);
          book.issue(seq, dueAt, now);
          counted.dueAt.set(seq, dueAt);
        }
        if (book.size !== counted.dueAt.size) wrong.push(`seed ${seed} step ${step}: ${book.size} tickets, not ${counted.dueAt.size}`);
        for (let probe = 0; probe < 3; probe++) {
          const seq = 1 + Math.floor(next() * (nextSeq + 1));
          const [answered, expected] = [[book.before(seq), book.dueBefore(seq)], [counted.before(seq), counted.dueBefore(seq)]];
          if (answered.join() !== expected.join()) wrong.push(`seed ${seed} step ${step} seq ${seq}: ${answered.join()} not ${expected.join()}`);
          probes++;
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(probes).toBe(5 * 3000 * 3);
  });

  it('a ticket counts as due from its time less the slack, and is forgotten after its grace', () => {
    const book = new TicketBook(SLACK, GRACE);
    book.issue(5, 10_000, 9_000);
    book.issue(6, 11_000, 9_000);
    book.advance(9_749);
    expect([book.before(7), book.dueBefore(7)]).toEqual([2, 0]);
    book.advance(9_750);
    expect([book.before(7), book.dueBefore(7), book.dueBefore(5)]).toEqual([2, 1, 0]);
    book.advance(12_000);
    expect([book.before(7), book.dueBefore(7), book.get(5)]).toEqual([2, 2, 10_000]);
    book.advance(12_001);
    expect([book.before(7), book.dueBefore(7), book.get(5), book.size]).toEqual([1, 1, undefined, 1]);
    book.advance(13_001);
    expect(book.size).toBe(0);
  });

  it('a number below every live one, issued while they are live, is counted in its place', () => {
    const book = new TicketBook(SLACK, GRACE);
    book.issue(10, 5_000, 1_000);
    book.issue(12, 3_000, 1_000);
    book.issue(5, 4_000, 1_000);
    book.advance(3_750);
    expect([book.before(6), book.before(11), book.before(13), book.dueBefore(13), book.dueBefore(6)]).toEqual([1, 2, 3, 2, 1]);
  });

  it('a line busy for hours with a few tickets at a time keeps counts the size of their range, not of every number it gave', () => {
    const book = new TicketBook(SLACK, GRACE);
    let wrong = 0;
    for (let seq = 1; seq <= 200_000; seq++) {
      // Ten tickets out at any time: each is used ten numbers later.
      book.issue(seq, 1_000_000 + seq, seq);
      if (seq > 10) book.remove(seq - 10);
      if (book.before(seq + 1) !== Math.min(seq, 10)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(book.reach).toBeLessThanOrEqual(64);
  });

  it('a number issued again for the same time counts once', () => {
    const book = new TicketBook(SLACK, GRACE);
    book.issue(4, 9_000, 1_000);
    book.issue(5, 10_000, 1_000);
    book.remove(5);
    book.issue(5, 10_000, 1_000);
    book.advance(10_000);
    expect([book.before(6), book.dueBefore(6)]).toEqual([2, 2]);
    book.remove(5);
    expect([book.before(6), book.dueBefore(6)]).toEqual([1, 1]);
  });
});
