import { ValidationFailedError } from '../common/errors/app-error';
import { MAX_SEATS_PER_SHOW } from '../seats/seat-rules.sql';
import { MAX_SEATS_PER_ROW } from '../seats/seat-label.sql';
import { SEAT_KINDS, SeatKind } from './entities/screen-seat.entity';

/** A seat of a plan as a client sends it (the service numbers it), or `null` for a gap. */
export type SeatInput = { label?: string; kind?: SeatKind } | null;

/** A row as a client sends it: a label (A, B, … when left out) and a number of seats, or the full list with gaps. */
export interface RowInput {
  label?: string;
  seats: number | SeatInput[];
}

/** A seat of a plan as stored (screen_seats) and copied onto a show's seat rows. */
export interface PlanSeat {
  seat_number: number;
  row_index: number;
  row_label: string;
  /** Its place in the row from 0, counting gaps. */
  place: number;
  label: string;
  kind: SeatKind;
}

/** A row as the API answers it, on screens and seat maps: its seats in order, `null` for a gap. */
export interface PlanRow<S> {
  label: string;
  seats: (S | null)[];
}

export const MAX_ROWS = 100;
export const MAX_PLACES_PER_ROW = 100;
const ROW_LABEL = /^[A-Z]{1,3}$|^[0-9]{1,3}$/;
const SEAT_LABEL = /^[A-Z0-9][A-Z0-9-]{0,7}$/;

/** Row index 0, 1 … 25, 26 … as A, B … Z, AA, AB …: the labels rows get unless the plan names them. */
export function rowLabelOf(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : String.fromCharCode(64 + Math.floor(index / 26)) + String.fromCharCode(65 + (index % 26));
}

const invalid = (message: string) => ValidationFailedError.field('rows', message);

/**
 * A plan as the service keeps it, from rows as a client sends them (API.md
 * Part 4): seats numbered 1..total through the rows in order; a seat's label
 * is its row's label and its place in the row counting seats, not gaps
 * (`A1 A2 _ A3`), unless the plan names it; kinds default to standard.
 * Refuses, naming `rows`, what is not a plan: no seats, more than 2,000, a row
 * or seat label given twice or malformed, an unknown kind.
 */
export function planOf(rows: unknown): PlanSeat[] {
  if (!Array.isArray(rows) || rows.length === 0) throw invalid('must be a non-empty list of rows');
  if (rows.length > MAX_ROWS) throw invalid(`must have at most ${MAX_ROWS} rows`);
  const seats: PlanSeat[] = [];
  const rowLabels = new Set<string>();
  const seatLabels = new Set<string>();
  rows.forEach((row: unknown, rowIndex) => {
    const at = `row ${rowIndex + 1}`;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw invalid(`${at} must be an object {label, seats}`);
    const { label, seats: given } = row as { label?: unknown; seats?: unknown };
    if (label !== undefined && (typeof label !== 'string' || !ROW_LABEL.test(label.trim().toUpperCase()))) {
      throw invalid(`${at}: label must be 1 to 3 letters or digits`);
    }
    const rowLabel = label === undefined ? rowLabelOf(rowIndex) : (label as string).trim().toUpperCase();
    if (rowLabels.has(rowLabel)) throw invalid(`${at}: the row label ${rowLabel} is used twice`);
    rowLabels.add(rowLabel);
    let places: SeatInput[];
    if (typeof given === 'number') {
      if (!Number.isInteger(given) || given < 1 || given > MAX_PLACES_PER_ROW) throw invalid(`${at}: seats must be a whole number from 1 to ${MAX_PLACES_PER_ROW}, or a list`);
      places = Array.from({ length: given }, () => ({}));
    } else if (Array.isArray(given)) {
      if (given.length === 0 || given.length > MAX_PLACES_PER_ROW) throw invalid(`${at}: seats must list 1 to ${MAX_PLACES_PER_ROW} places`);
      places = given as SeatInput[];
    } else {
      throw invalid(`${at}: seats must be a number or a list of seats and gaps (null)`);
    }
    let count = 0;
    places.forEach((seat, place) => {
      if (seat === null) return;
      if (typeof seat !== 'object' || Array.isArray(seat)) throw invalid(`${at}, place ${place + 1}: a seat is {kind?, label?}, a gap is null`);
      const kind = seat.kind ?? 'standard';
      if (!SEAT_KINDS.includes(kind)) throw invalid(`${at}, place ${place + 1}: kind must be one of ${SEAT_KINDS.join(', ')}`);
      count += 1;
      const named = seat.label;
      if (named !== undefined && (typeof named !== 'string' || !SEAT_LABEL.test(named.trim().toUpperCase()))) {
        throw invalid(`${at}, place ${place + 1}: a seat label is 1 to 8 letters, digits or dashes`);
      }
      const seatLabel = named === undefined ? `${rowLabel}${count}` : named.trim().toUpperCase();
      if (seatLabels.has(seatLabel)) throw invalid(`the seat label ${seatLabel} is used twice`);
      seatLabels.add(seatLabel);
      seats.push({ seat_number: seats.length + 1, row_index: rowIndex, row_label: rowLabel, place, label: seatLabel, kind });
    });
    if (count === 0) throw invalid(`${at} has no seat`);
  });
  if (seats.length > MAX_SEATS_PER_SHOW) throw invalid(`must have at most ${MAX_SEATS_PER_SHOW} seats, has ${seats.length}`);
  return seats;
}

/**
 * The plan a screen gets when it is made from a name and a number of seats
 * (API.md "Seat labels"): as few rows of at most 20 as the seats need, each an
 * even share (rounded up), the last what is left; 100 seats: seat 47 is C7.
 */
export function defaultRows(totalSeats: number): RowInput[] {
  const rowCount = Math.ceil(totalSeats / MAX_SEATS_PER_ROW);
  const perRow = Math.ceil(totalSeats / rowCount);
  return Array.from({ length: rowCount }, (_, i) => ({ seats: Math.min(perRow, totalSeats - i * perRow) }));
}

/** Seats (of a plan or a seat map, in any order) as rows in order, each with its seats and gaps in place order. */
export function rowsOf<S extends Pick<PlanSeat, 'row_index' | 'row_label' | 'place'>, T>(seats: S[], answer: (seat: S) => T): PlanRow<T>[] {
  const byRow = new Map<number, S[]>();
  for (const seat of seats) byRow.set(seat.row_index, [...(byRow.get(seat.row_index) ?? []), seat]);
  return [...byRow.keys()]
    .sort((a, b) => a - b)
    .map((index) => {
      const row = byRow.get(index)!;
      const places: (T | null)[] = Array.from({ length: Math.max(...row.map((seat) => seat.place)) + 1 }, () => null);
      for (const seat of row) places[seat.place] = answer(seat);
      return { label: row[0].row_label, seats: places };
    });
}
