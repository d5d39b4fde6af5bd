import type { BookingLimits, SeatMap, SeatStatus } from '../api/client';
import { EMPTY_PLAN, type Plan, planOf } from './plan';

/**
 * How many seats may be selected at once: a selection becomes one hold, so no
 * more than one request may carry, nor than one customer may hold in a show.
 */
export const selectionLimitOf = (limits: BookingLimits): number => Math.min(limits.max_seats_per_request, limits.max_held_seats_per_show);

const CODE: Record<SeatStatus, number> = { available: 0, held: 1, booked: 2 };
const STATUS: SeatStatus[] = ['available', 'held', 'booked'];

/** What changed for the person looking, after a batch of live updates. */
export interface SeatNews {
  /** Seats they had selected that someone else took. */
  takenFromSelection: number[];
  /** Seats of theirs (held) that are available again: their hold ended. */
  lostFromHolds: number[];
}

/**
 * The seat map's state outside React: the show's plan (rows, gaps, labels and
 * kinds, as the API gives them), one byte per seat, and a version per row that
 * the row components subscribe to, so a live update re-renders only its row.
 * Updates from the stream are queued and applied once per animation frame,
 * however many arrive, so a burst never costs more than one render.
 */
export class SeatStore {
  plan: Plan = EMPTY_PLAN;
  /** Counts the plans loaded: rows of an earlier plan are drawn afresh. */
  planGeneration = 0;
  private status = new Uint8Array(1);
  /** 1: the seat is held by me, 2: booked by me. */
  private mine = new Uint8Array(1);
  private readonly selection = new Set<number>();
  private rowVersions = new Uint32Array(1);
  private version = 0;
  focused = 1;
  loaded = false;

  private readonly rowListeners = new Map<number, Set<() => void>>();
  private readonly listeners = new Set<() => void>();
  private readonly newsListeners = new Set<(news: SeatNews) => void>();
  private pending = new Map<number, SeatStatus>();
  private frame = 0;
  /** Updates that arrive while the map is being (re)read: applied after it, in order. */
  private buffering = false;

  /** `maxSelected`: see selectionLimitOf. */
  constructor(readonly maxSelected: number) {}

  /** The map as the API says it is now; updates that arrived while it was read are applied on top. */
  load(map: SeatMap): void {
    const plan = planOf(map);
    if (plan.key !== this.plan.key) {
      const sameSeats = plan.total === this.plan.total;
      this.plan = plan;
      this.planGeneration++;
      if (!sameSeats) {
        this.status = new Uint8Array(plan.total + 1);
        this.mine = new Uint8Array(plan.total + 1);
        this.selection.clear();
      }
      this.rowVersions = new Uint32Array(plan.rows.length);
      this.focused = plan.rows.flatMap((row) => row.places).find((seat) => seat !== 0) ?? 1;
    }
    for (const seat of map.seats) this.status[seat.seat_number] = CODE[seat.status];
    for (const seat of [...this.selection]) if (this.status[seat] !== 0 && !this.mine[seat]) this.selection.delete(seat);
    this.loaded = true;
    this.buffering = false;
    this.touchAll();
    if (this.pending.size > 0) this.flush();
  }

  /** From now until the next load, updates wait for it. */
  reloading(): void {
    this.buffering = true;
  }

  /** The map could not be read: the waiting updates are applied to what is shown. */
  reloadFailed(): void {
    this.buffering = false;
    if (this.loaded && this.pending.size > 0) this.flush();
  }

  /** A live update: applied at the next animation frame. */
  queue(seat: number, status: SeatStatus): void {
    // Latest news of a seat wins, in arrival order.
    this.pending.delete(seat);
    this.pending.set(seat, status);
    if (!this.buffering && this.loaded && this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Seats that are mine: held by me or booked by me. */
  setMine(held: number[], booked: number[]): void {
    this.mine.fill(0);
    for (const seat of held) this.mine[seat] = 1;
    for (const seat of booked) this.mine[seat] = 2;
    for (const seat of [...held, ...booked]) this.selection.delete(seat);
    this.touchAll();
  }

  statusOf(seat: number): SeatStatus {
    return STATUS[this.status[seat]];
  }

  mineOf(seat: number): 'held' | 'booked' | null {
    return this.mine[seat] === 1 ? 'held' : this.mine[seat] === 2 ? 'booked' : null;
  }

  isSelected(seat: number): boolean {
    return this.selection.has(seat);
  }

  selected(): number[] {
    return [...this.selection].sort((a, b) => a - b);
  }

  /** Selects or unselects an available seat; refused when it is taken, or when maxSelected seats are selected already. */
  toggle(seat: number): 'selected' | 'unselected' | 'unavailable' | 'full' {
    if (this.selection.has(seat)) {
      this.selection.delete(seat);
      this.touchSeat(seat);
      return 'unselected';
    }
    if (this.status[seat] !== 0 || this.mine[seat]) return 'unavailable';
    if (this.selection.size >= this.maxSelected) return 'full';
    this.selection.add(seat);
    this.touchSeat(seat);
    return 'selected';
  }

  clearSelection(): void {
    const seats = [...this.selection];
    this.selection.clear();
    seats.forEach((seat) => this.touchSeat(seat));
  }

  /** Seats the API just said are taken (a refused hold or booking): marked at once, without waiting for the stream. */
  markTaken(seats: number[], status: SeatStatus): void {
    for (const seat of seats) {
      if (seat < 1 || seat > this.plan.total) continue;
      this.status[seat] = CODE[status];
      this.selection.delete(seat);
      this.touchSeat(seat);
    }
  }

  focus(seat: number): void {
    if (seat === this.focused || seat < 1 || seat > this.plan.total) return;
    const before = this.focused;
    this.focused = seat;
    this.touchSeat(before);
    this.touchSeat(seat);
  }

  // --- subscriptions (useSyncExternalStore)

  subscribeRow = (row: number, listener: () => void): (() => void) => {
    let set = this.rowListeners.get(row);
    if (!set) this.rowListeners.set(row, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  };

  rowVersion = (row: number): number => this.rowVersions[row] ?? 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.version;

  onNews(listener: (news: SeatNews) => void): () => void {
    this.newsListeners.add(listener);
    return () => this.newsListeners.delete(listener);
  }

  /** Applies the queued updates: one render per changed row. */
  flush(): void {
    this.frame = 0;
    const news: SeatNews = { takenFromSelection: [], lostFromHolds: [] };
    const rows = new Set<number>();
    for (const [seat, status] of this.pending) {
      if (seat < 1 || seat > this.plan.total) continue;
      const code = CODE[status];
      if (this.status[seat] === code) continue;
      this.status[seat] = code;
      if (code !== 0 && this.selection.delete(seat)) news.takenFromSelection.push(seat);
      if (code === 0 && this.mine[seat] === 1) {
        this.mine[seat] = 0;
        news.lostFromHolds.push(seat);
      }
      rows.add(this.plan.rowOf[seat]);
    }
    this.pending.clear();
    if (rows.size === 0) return;
    for (const row of rows) this.touchRow(row);
    this.version++;
    this.listeners.forEach((listener) => listener());
    if (news.takenFromSelection.length > 0 || news.lostFromHolds.length > 0) this.newsListeners.forEach((listener) => listener(news));
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private touchSeat(seat: number): void {
    if (seat < 1 || seat > this.plan.total) return;
    this.touchRow(this.plan.rowOf[seat]);
    this.version++;
    this.listeners.forEach((listener) => listener());
  }

  private touchRow(row: number): void {
    if (row < 0 || row >= this.rowVersions.length) return;
    this.rowVersions[row]++;
    this.rowListeners.get(row)?.forEach((listener) => listener());
  }

  private touchAll(): void {
    for (let row = 0; row < this.plan.rows.length; row++) this.rowVersions[row]++;
    this.rowListeners.forEach((set) => set.forEach((listener) => listener()));
    this.version++;
    this.listeners.forEach((listener) => listener());
  }
}
