/**
 * The label rule of shows made before screens had plans: seats 1..total_seats
 * in rows of at most 20 (all rows as even as the count allows), lettered A, B,
 * … Z, AA, AB … from the screen back, numbered from the left. Seat 1 is A1;
 * with 100 seats, seat 47 is C7.
 *
 * The seat map no longer uses it: it draws the API's plan and names seats by
 * the API's labels (plan.ts). What still does, and is wrong for a screen with
 * a plan, are the pages that name seats of bookings and orders
 * (MyBookingsPage, MyOrdersPage, PaymentPage: they should use `seat_label` and
 * `seat_labels` of the API), and test/tickets/migration.e2e-spec.ts; remove
 * this file with the last of them.
 */
export const MAX_SEATS_PER_ROW = 20;

export interface Layout {
  total: number;
  rows: number;
  perRow: number;
}

export function layoutOf(total: number): Layout {
  const rows = Math.max(1, Math.ceil(total / MAX_SEATS_PER_ROW));
  return { total, rows, perRow: Math.ceil(total / rows) };
}

/** 0 → A, 25 → Z, 26 → AA. */
export function rowLetter(row: number): string {
  let letters = '';
  for (let n = row + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export function placeOf(layout: Layout, seat: number): { row: number; column: number } {
  return { row: Math.floor((seat - 1) / layout.perRow), column: (seat - 1) % layout.perRow };
}

/** "C7". */
export function shortName(layout: Layout, seat: number): string {
  const { row, column } = placeOf(layout, seat);
  return `${rowLetter(row)}${column + 1}`;
}

/** "Row C seat 7". */
export function longName(layout: Layout, seat: number): string {
  const { row, column } = placeOf(layout, seat);
  return `Row ${rowLetter(row)} seat ${column + 1}`;
}

/** "C7, C8 and D1". */
export function seatList(layout: Layout, seats: number[]): string {
  const names = [...seats].sort((a, b) => a - b).map((seat) => shortName(layout, seat));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
}
