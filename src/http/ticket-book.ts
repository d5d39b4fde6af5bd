/**
 * Counts by sequence number (a Fenwick tree): add at a number, and how many
 * were added below a number, each in O(log n). Numbers count from `base`; the
 * tree doubles as the numbers grow.
 */
class SeqCounts {
  private tree = new Int32Array(65);
  /** How many numbers, from `base` on, the counts cover now. */
  capacity = 64;

  constructor(readonly base: number) {}

  /** `seq` is at least `base`. */
  add(seq: number, delta: number): void {
    const at = seq - this.base + 1;
    if (!(at >= 1)) throw new RangeError(`number ${seq} below the counts' base ${this.base}`);
    while (at > this.capacity) this.grow();
    for (let i = at; i <= this.capacity; i += i & -i) this.tree[i] += delta;
  }

  /** How many were added at numbers below `seq`. */
  below(seq: number): number {
    let sum = 0;
    for (let i = Math.min(seq - this.base, this.capacity); i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  /** The nodes below the old capacity keep their ranges; the new top node covers them all, the others nothing yet. */
  private grow(): void {
    const total = this.below(this.base + this.capacity);
    const tree = new Int32Array(this.capacity * 2 + 1);
    tree.set(this.tree);
    this.capacity *= 2;
    tree[this.capacity] = total;
    this.tree = tree;
  }
}

/** Tickets by due time, earliest first (a binary heap of [dueAt, seq]). */
class DueHeap {
  private readonly items: [number, number][] = [];

  peek(): [number, number] | undefined {
    return this.items[0];
  }

  push(item: [number, number]): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent][0] <= item[0]) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): [number, number] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const child = left + 1 < items.length && items[left + 1][0] < items[left][0] ? left + 1 : left;
        if (items[child][0] >= last[0]) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * The tickets of one show's line: number → when it is due. Besides the map,
 * it answers "how many tickets, and how many due ones, have a lower number"
 * in O(log n), where counting through the map cost O(n) per request: a rush of
 * 20,000 customers spent 37 s of CPU in the line alone, 1,000 about 0.1 s.
 *
 * A ticket is due from `dueAt - earlySlackMs` and forgotten after
 * `dueAt + graceMs`; `advance(now)` moves tickets across both as time passes
 * (a heap of the tickets not yet due, and one of the due ones). Entries of
 * tickets removed or issued again stay in the heaps and are skipped when they
 * come up.
 * With no ticket left, everything starts afresh, and the counts cover only
 * the range of the live tickets' numbers, so a line stays small however many
 * requests it has seen. `now` never goes back (the line's clock is monotonic):
 * a ticket counted as due stays due until it is used or lapses.
 */
/** What the book keeps besides its map, made with its first ticket: a line that hands none out allocates nothing. */
interface Counts {
  live: SeqCounts;
  liveDue: SeqCounts;
  /** Tickets not yet due, and due ones (which lapse in the order of their times). */
  pending: DueHeap;
  lapsing: DueHeap;
  /** Tickets counted as due (their numbers): moved from `pending` to `lapsing`. */
  due: Set<number>;
}

export class TicketBook {
  private readonly dueAt = new Map<number, number>();
  private counts?: Counts;

  constructor(
    private readonly earlySlackMs: number,
    private readonly graceMs: number,
  ) {}

  get size(): number {
    return this.dueAt.size;
  }

  get(seq: number): number | undefined {
    return this.dueAt.get(seq);
  }

  /** Ticket `seq`, due at `dueAt` (the same ticket again: nothing changes; another time: it is moved). */
  issue(seq: number, dueAt: number, now: number): void {
    const current = this.dueAt.get(seq);
    if (current === dueAt) return;
    if (current !== undefined) this.remove(seq);
    let counts = this.counts;
    if (!counts || this.dueAt.size === 0) counts = this.reset(seq);
    else if (seq < counts.live.base) counts = this.rebase(seq);
    else if (seq - counts.live.base >= counts.live.capacity) {
      // The counts would double: if the oldest ticket is far past the base (a line busy for hours with a few
      // tickets at a time never empties), they start again from it instead, so they cover the tickets' range only.
      let oldest = seq;
      for (const live of this.dueAt.keys()) oldest = Math.min(oldest, live);
      if (oldest - counts.live.base >= counts.live.capacity / 2) counts = this.rebase(oldest);
    }
    this.dueAt.set(seq, dueAt);
    counts.live.add(seq, 1);
    if (dueAt - this.earlySlackMs <= now) this.markDue(counts, seq, dueAt);
    else counts.pending.push([dueAt, seq]);
  }

  remove(seq: number): void {
    const counts = this.counts;
    if (!counts || !this.dueAt.delete(seq)) return;
    counts.live.add(seq, -1);
    if (counts.due.delete(seq)) counts.liveDue.add(seq, -1);
  }

  /** Tickets that became due by `now` count as due; those past their grace are forgotten. */
  advance(now: number): void {
    const counts = this.counts;
    if (!counts) return;
    for (let next = counts.pending.peek(); next && next[0] - this.earlySlackMs <= now; next = counts.pending.peek()) {
      counts.pending.pop();
      const [dueAt, seq] = next;
      if (this.dueAt.get(seq) === dueAt && !counts.due.has(seq)) this.markDue(counts, seq, dueAt);
    }
    for (let next = counts.lapsing.peek(); next && next[0] + this.graceMs < now; next = counts.lapsing.peek()) {
      counts.lapsing.pop();
      const [dueAt, seq] = next;
      if (this.dueAt.get(seq) === dueAt) this.remove(seq);
    }
  }

  /** Tickets with a number below `seq`. */
  before(seq: number): number {
    return this.counts ? this.counts.live.below(seq) : 0;
  }

  /** Due tickets (as of the last `advance`) with a number below `seq`. */
  dueBefore(seq: number): number {
    return this.counts ? this.counts.liveDue.below(seq) : 0;
  }

  /** How many numbers the counts cover (for the specs of its memory). */
  get reach(): number {
    return this.counts?.live.capacity ?? 0;
  }

  private markDue(counts: Counts, seq: number, dueAt: number): void {
    counts.due.add(seq);
    counts.liveDue.add(seq, 1);
    counts.lapsing.push([dueAt, seq]);
  }

  /**
   * Counts from `base` on, rebuilt from the live tickets: for a number below the base while others are live
   * (the line never issues one; kept exact all the same), or to drop a long-gone range.
   */
  private rebase(base: number): Counts {
    const due = this.counts?.due ?? new Set<number>();
    const counts = this.reset(base);
    for (const [seq, dueAt] of this.dueAt) {
      counts.live.add(seq, 1);
      if (due.has(seq)) this.markDue(counts, seq, dueAt);
      else counts.pending.push([dueAt, seq]);
    }
    return counts;
  }

  /** Counts that start from `base`, with empty queues (the old queues held only entries of gone tickets). */
  private reset(base: number): Counts {
    this.counts = { live: new SeqCounts(base), liveDue: new SeqCounts(base), pending: new DueHeap(), lapsing: new DueHeap(), due: new Set() };
    return this.counts;
  }
}
