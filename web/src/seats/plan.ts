import type { SeatMap } from '../api/client';

export type SeatKind = SeatMap['seats'][number]['kind'];

/** A row of the plan: its label and its places from the left, a seat number or 0 for a gap (an aisle). */
export interface PlanRow {
  label: string;
  places: number[];
}

/**
 * A show's seat plan as the API gives it (`rows` of GET /shows/{id}/seats/):
 * rows from the screen back, each seat with the label, row and kind the API
 * names it by. The app never names a seat by a rule of its own: every label
 * shown (the map, the alerts, the checkout) is the API's.
 */
export interface Plan {
  total: number;
  rows: PlanRow[];
  /** The widest row's places, gaps included: the width the map is drawn to. */
  columns: number;
  /** Seat number → its row (index into rows) and its place in it (from 0, gaps counted); -1: not on the plan. */
  rowOf: Int32Array;
  placeOf: Int32Array;
  labels: string[];
  kinds: SeatKind[];
  /** The kinds other than standard that the plan has, in the legend's order. */
  kindsPresent: SeatKind[];
  /** What the plan was made from: a new map with the same key has the same plan. */
  key: string;
}

const KIND_ORDER: SeatKind[] = ['wheelchair', 'companion', 'premium'];

/** What a seat's kind adds to its accessible name (a standard seat adds nothing). */
export const KIND_WORDS: Record<SeatKind, string> = {
  standard: '',
  wheelchair: 'wheelchair space',
  companion: 'companion seat',
  premium: 'premium seat',
};

export const EMPTY_PLAN: Plan = planOf({ total_seats: 0, rows: [], seats: [] });

type MapPlan = Pick<SeatMap, 'total_seats' | 'rows' | 'seats'>;

/** Rows as the seat map's `rows` say; a map without them (an older service) gets a row per row label of its seats, without gaps. */
function rowsOf(map: MapPlan): SeatMap['rows'] {
  if (map.rows && map.rows.length > 0) return map.rows;
  const rows: SeatMap['rows'] = [];
  for (const seat of map.seats) {
    const last = rows[rows.length - 1];
    const place = { seat_number: seat.seat_number, label: seat.label, kind: seat.kind };
    if (last && last.label === seat.row) last.seats.push(place);
    else rows.push({ label: seat.row, seats: [place] });
  }
  return rows;
}

export function planOf(map: MapPlan): Plan {
  const source = rowsOf(map);
  const total = map.total_seats;
  const rowOf = new Int32Array(total + 1).fill(-1);
  const placeOf = new Int32Array(total + 1).fill(-1);
  const labels: string[] = [];
  const kinds: SeatKind[] = [];
  const present = new Set<SeatKind>();
  let columns = 0;
  const rows = source.map((row, index) => {
    const places = row.seats.map((seat, place) => {
      if (!seat || seat.seat_number < 1 || seat.seat_number > total) return 0;
      rowOf[seat.seat_number] = index;
      placeOf[seat.seat_number] = place;
      labels[seat.seat_number] = seat.label;
      kinds[seat.seat_number] = seat.kind;
      present.add(seat.kind);
      return seat.seat_number;
    });
    columns = Math.max(columns, places.length);
    return { label: row.label, places };
  });
  // Seats the rows leave out (none, from this service) are still named by the API's label.
  for (const seat of map.seats) {
    if (seat.seat_number >= 1 && seat.seat_number <= total && labels[seat.seat_number] === undefined) {
      labels[seat.seat_number] = seat.label;
      kinds[seat.seat_number] = seat.kind;
    }
  }
  return {
    total,
    rows,
    columns,
    rowOf,
    placeOf,
    labels,
    kinds,
    kindsPresent: KIND_ORDER.filter((kind) => present.has(kind)),
    key: `${total}:${JSON.stringify(source)}`,
  };
}

/** "C7": the API's label of the seat. */
export const labelOf = (plan: Plan, seat: number): string => plan.labels[seat] ?? `seat ${seat}`;

export const kindOf = (plan: Plan, seat: number): SeatKind => plan.kinds[seat] ?? 'standard';

/** "Row C seat 7": the row's label, and the seat's label without it ("Row C seat C-7" where the plan names it otherwise). */
export function nameOf(plan: Plan, seat: number): string {
  const row = plan.rows[plan.rowOf[seat]]?.label;
  const label = labelOf(plan, seat);
  if (row === undefined) return `Seat ${label}`;
  const place = label.startsWith(row) && label.length > row.length ? label.slice(row.length) : label;
  return `Row ${row} seat ${place}`;
}

/** A seat's label as a sentence says it: "Row C seat 7" for C7, "Seat VIP" for a label of the plan's own. */
export function sayLabel(label: string): string {
  const parts = /^([A-Z]{1,3})(\d+)$/.exec(label);
  return parts ? `Row ${parts[1]} seat ${parts[2]}` : `Seat ${label}`;
}

/** "C7, C8 and D1": labels in a list as the page says them. */
export function joinLabels(labels: string[]): string {
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}` : (labels[0] ?? '');
}

/** Seats by the API's labels, in seat order: "C7, C8 and D1". */
export const listOf = (plan: Plan, seats: number[]): string => joinLabels([...seats].sort((a, b) => a - b).map((seat) => labelOf(plan, seat)));

/** The seats of a row, left to right, without its gaps. */
export const seatsOfRow = (plan: Plan, row: number): number[] => plan.rows[row]?.places.filter((seat) => seat !== 0) ?? [];

/**
 * Where the arrow keys, Home and End go from `seat`: along its row (gaps
 * skipped), to its row's ends, or to the row in front or behind, to the seat
 * nearest its place there (to the left on a tie). Undefined: nowhere.
 */
export function seatFrom(plan: Plan, seat: number, key: string): number | undefined {
  const row = plan.rowOf[seat];
  if (row === undefined || row < 0) return undefined;
  const seats = seatsOfRow(plan, row);
  const at = seats.indexOf(seat);
  const nearest = (other: number) => {
    const places = plan.rows[other]?.places;
    if (!places) return undefined;
    const place = plan.placeOf[seat];
    let best: number | undefined;
    let distance = Infinity;
    places.forEach((candidate, index) => {
      if (candidate !== 0 && Math.abs(index - place) < distance) {
        best = candidate;
        distance = Math.abs(index - place);
      }
    });
    return best;
  };
  switch (key) {
    case 'ArrowLeft':
      return at > 0 ? seats[at - 1] : undefined;
    case 'ArrowRight':
      return at < seats.length - 1 ? seats[at + 1] : undefined;
    case 'ArrowUp':
      return row > 0 ? nearest(row - 1) : undefined;
    case 'ArrowDown':
      return row < plan.rows.length - 1 ? nearest(row + 1) : undefined;
    case 'Home':
      return seats[0];
    case 'End':
      return seats[seats.length - 1];
    default:
      return undefined;
  }
}
