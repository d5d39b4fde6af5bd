import { type FocusEvent, type KeyboardEvent, memo, type MouseEvent, useCallback, useRef, useSyncExternalStore } from 'react';
import { placeOf, rowLetter, seatsOfRow } from './layout';
import type { SeatStore } from './store';

type SeatState = 'available' | 'selected' | 'held' | 'booked' | 'mine-held' | 'mine-booked';

/** What each state is called in a seat's accessible name (the colour and pattern say it to the eye). */
export const STATE_WORDS: Record<SeatState, string> = {
  available: 'available',
  selected: 'selected',
  held: 'held by someone else',
  booked: 'booked',
  'mine-held': 'held for you',
  'mine-booked': 'booked by you',
};

function stateOf(store: SeatStore, seat: number): SeatState {
  const mine = store.mineOf(seat);
  if (mine) return mine === 'held' ? 'mine-held' : 'mine-booked';
  if (store.isSelected(seat)) return 'selected';
  return store.statusOf(seat);
}

/** One row: re-rendered only when one of its seats changes (its version in the store). */
const Row = memo(function Row({ store, row }: { store: SeatStore; row: number }) {
  const subscribe = useCallback((listener: () => void) => store.subscribeRow(row, listener), [store, row]);
  useSyncExternalStore(subscribe, () => store.rowVersion(row));
  const { first, last } = seatsOfRow(store.layout, row);
  const letter = rowLetter(row);
  const seats = [];
  for (let seat = first; seat <= last; seat++) {
    const state = stateOf(store, seat);
    const choosable = state === 'available' || state === 'selected';
    seats.push(
      <button
        key={seat}
        type="button"
        className={`seat ${state}`}
        data-seat={seat}
        tabIndex={store.focused === seat ? 0 : -1}
        aria-label={`Row ${letter} seat ${seat - first + 1}, ${STATE_WORDS[state]}`}
        aria-pressed={choosable ? state === 'selected' : undefined}
        aria-disabled={choosable ? undefined : true}
      />,
    );
  }
  return (
    <div className="seat-row" role="group" aria-label={`Row ${letter}`}>
      <span className="row-letter" aria-hidden="true">
        {letter}
      </span>
      {seats}
      <span className="row-letter" aria-hidden="true">
        {letter}
      </span>
    </div>
  );
});

const seatOf = (target: EventTarget | null): number => Number((target as HTMLElement | null)?.closest<HTMLElement>('[data-seat]')?.dataset.seat ?? 0);

/**
 * The seat map drawn as a cinema: the screen on top, rows lettered from the
 * front. Every seat is a toggle button named by its row, number and state; one
 * seat is in the tab order (roving tabindex) and the arrow keys, Home and End
 * move between seats, Space or Enter selects. Handlers are delegated to the
 * map, not set on 2,000 buttons.
 */
export function SeatMap({ store, label, onToggle }: { store: SeatStore; label: string; onToggle: (seat: number) => void }) {
  const rowsRef = useRef<HTMLDivElement>(null);
  const layout = useSyncExternalStore(store.subscribe, () => store.layout);

  const moveTo = (seat: number) => {
    store.focus(seat);
    rowsRef.current?.querySelector<HTMLElement>(`[data-seat="${seat}"]`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const seat = seatOf(event.target);
    if (!seat) return;
    const { row, column } = placeOf(layout, seat);
    const { first, last } = seatsOfRow(layout, row);
    const sameColumn = (r: number) => {
      const other = seatsOfRow(layout, r);
      return Math.min(other.first + column, other.last);
    };
    const next: Record<string, number | undefined> = {
      ArrowLeft: seat > first ? seat - 1 : undefined,
      ArrowRight: seat < last ? seat + 1 : undefined,
      ArrowUp: row > 0 ? sameColumn(row - 1) : undefined,
      ArrowDown: row < layout.rows - 1 ? sameColumn(row + 1) : undefined,
      Home: first,
      End: last,
    };
    if (!(event.key in next)) return;
    event.preventDefault();
    const target = next[event.key];
    if (target !== undefined) moveTo(target);
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const seat = seatOf(event.target);
    if (!seat) return;
    store.focus(seat);
    onToggle(seat);
  };

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const seat = seatOf(event.target);
    if (seat) store.focus(seat);
  };

  const rows = [];
  for (let row = 0; row < layout.rows; row++) rows.push(<Row key={row} store={store} row={row} />);
  return (
    <div className="seat-map">
      <div className="screen" aria-hidden="true">
        Screen
      </div>
      <div className="seat-rows" role="group" aria-label={label} ref={rowsRef} onKeyDown={onKeyDown} onClick={onClick} onFocus={onFocus}>
        {rows}
      </div>
    </div>
  );
}

/** The key to the map's colours and patterns. */
export function SeatLegend() {
  const states: SeatState[] = ['available', 'selected', 'held', 'booked', 'mine-held', 'mine-booked'];
  return (
    <ul className="legend" aria-label="Seat states">
      {states.map((state) => (
        <li key={state}>
          <span className={`seat ${state}`} aria-hidden="true" />
          {STATE_WORDS[state].replace(/^./, (c) => c.toUpperCase())}
        </li>
      ))}
    </ul>
  );
}
