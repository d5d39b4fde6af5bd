import {
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
  memo,
  type MouseEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { KIND_WORDS, kindOf, labelOf, nameOf, type Plan, type SeatKind, seatFrom } from './plan';
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

/** The legend's words for a kind (its shape and mark say it to the eye). */
const KIND_LEGEND: Record<Exclude<SeatKind, 'standard'>, string> = {
  wheelchair: 'Wheelchair space',
  companion: 'Companion seat',
  premium: 'Premium seat',
};

/** Zoom is relative to the map fitted to its frame's width: 1 fits, the buttons step through these. */
const ZOOM_STEPS = [1, 1.5, 2, 3, 4];
/** A place (a seat or a gap, and the space after it) when the map fits: at most this, however wide the frame… */
const MAX_PLACE_PX = 32;
/** …and at least this, however many places a row has (a frame too narrow for them then scrolls sideways). */
const MIN_PLACE_PX = 10;
/** The width of the two row labels and their spaces, in places, with some to spare. */
const LABEL_PLACES = 2.9;
const MAX_ZOOM = ZOOM_STEPS[ZOOM_STEPS.length - 1];
const clampZoom = (zoom: number) => Math.min(MAX_ZOOM, Math.max(1, zoom));

function stateOf(store: SeatStore, seat: number): SeatState {
  const mine = store.mineOf(seat);
  if (mine) return mine === 'held' ? 'mine-held' : 'mine-booked';
  if (store.isSelected(seat)) return 'selected';
  return store.statusOf(seat);
}

/** "Row B seat 5, wheelchair space, available". */
function seatName(plan: Plan, seat: number, state: SeatState): string {
  const kind = KIND_WORDS[kindOf(plan, seat)];
  return `${nameOf(plan, seat)}${kind ? `, ${kind}` : ''}, ${STATE_WORDS[state]}`;
}

/** One row: re-rendered only when one of its seats changes (its version in the store). */
const Row = memo(function Row({ store, row }: { store: SeatStore; row: number }) {
  const subscribe = useCallback((listener: () => void) => store.subscribeRow(row, listener), [store, row]);
  useSyncExternalStore(subscribe, () => store.rowVersion(row));
  const { plan } = store;
  const { label, places } = plan.rows[row];
  const cells = places.map((seat, place) => {
    if (seat === 0) return <span key={`gap-${place}`} className="aisle" />;
    const state = stateOf(store, seat);
    const kind = kindOf(plan, seat);
    const choosable = state === 'available' || state === 'selected';
    return (
      <button
        key={seat}
        type="button"
        className={kind === 'standard' ? `seat ${state}` : `seat ${state} ${kind}`}
        data-seat={seat}
        data-label={labelOf(plan, seat)}
        tabIndex={store.focused === seat ? 0 : -1}
        aria-label={seatName(plan, seat, state)}
        aria-pressed={choosable ? state === 'selected' : undefined}
        aria-disabled={choosable ? undefined : true}
      />
    );
  });
  return (
    <div className="seat-row" role="group" aria-label={`Row ${label}`}>
      <span className="row-label" aria-hidden="true">
        {label}
      </span>
      <div className="seat-places">{cells}</div>
      <span className="row-label" aria-hidden="true">
        {label}
      </span>
    </div>
  );
});

const seatOf = (target: EventTarget | null): number => Number((target as HTMLElement | null)?.closest<HTMLElement>('[data-seat]')?.dataset.seat ?? 0);

/** A point of the plan (in its unzoomed units) to keep under a point of the screen while the zoom changes. */
interface Focal {
  x: number;
  y: number;
  px: number;
  py: number;
}

/**
 * The seat map drawn as the API's plan: the screen on top, the rows from the
 * screen back with their labels on both sides, gaps (aisles) left empty, each
 * seat's kind in its shape and mark. Every seat is a toggle button named by
 * its row, label, kind and state; one seat is in the tab order (roving
 * tabindex) and the arrow keys, Home and End move between seats, Space or
 * Enter selects. Handlers are delegated to the map, not set on 2,000 buttons.
 *
 * The map fits its frame's width (the frame's width shared by the plan's
 * widest row and the row labels is --u, of which every size on the map is a
 * share: styles.css), so a phone shows all of it; the zoom buttons,
 * + and − on the map, a pinch, or Ctrl + the wheel (a trackpad's pinch) make
 * it larger, and the frame then scrolls sideways inside itself, never the page.
 */
export function SeatMap({ store, label, onToggle }: { store: SeatStore; label: string; onToggle: (seat: number) => void }) {
  const rowsRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const planRef = useRef<HTMLDivElement>(null);
  const plan = useSyncExternalStore(store.subscribe, () => store.plan);
  const [zoom, setZoom] = useState(1);
  const zoomRef = useRef(1);
  /** The zoom the drawn map has: where a focal point is measured. */
  const drawnZoom = useRef(1);
  const focal = useRef<Focal | null>(null);
  /**
   * The frame's width, measured here rather than by CSS container units: with
   * every seat's size in container units, Chromium took about three times as
   * long to draw a 2,000-seat map (a median of 865 ms against 245 ms, measured
   * side by side; the README's `seat-map:render` figure).
   */
  const [frameWidth, setFrameWidth] = useState(0);
  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    setFrameWidth(frame.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setFrameWidth(frame.clientWidth));
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  /** Zooms to `next`, keeping the point `at` (client coordinates; by default the middle of what shows of the map) where it is. */
  const zoomTo = useCallback((next: number, at?: { x: number; y: number }) => {
    const target = clampZoom(next);
    if (target === zoomRef.current) return;
    const frame = frameRef.current;
    const content = planRef.current;
    if (frame && content) {
      const box = frame.getBoundingClientRect();
      const x = at?.x ?? box.left + box.width / 2;
      const y = at?.y ?? (Math.max(box.top, 0) + Math.min(box.bottom, window.innerHeight)) / 2;
      if (focal.current) Object.assign(focal.current, { x, y });
      else {
        const drawn = content.getBoundingClientRect();
        focal.current = { x, y, px: (x - drawn.left) / drawnZoom.current, py: (y - drawn.top) / drawnZoom.current };
      }
    }
    zoomRef.current = target;
    setZoom(target);
  }, []);

  useLayoutEffect(() => {
    drawnZoom.current = zoom;
    const point = focal.current;
    focal.current = null;
    const frame = frameRef.current;
    const content = planRef.current;
    if (!point || !frame || !content) return;
    const drawn = content.getBoundingClientRect();
    frame.scrollLeft += drawn.left + point.px * zoom - point.x;
    window.scrollBy(0, drawn.top + point.py * zoom - point.y);
  }, [zoom]);

  // A pinch on the map zooms the map (not the page); Ctrl + the wheel, which is how a trackpad's pinch arrives, too.
  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    let pinch: { spread: number; zoom: number } | null = null;
    const spread = (touches: TouchList) => Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
    const onTouchStart = (event: TouchEvent) => {
      pinch = event.touches.length === 2 ? { spread: spread(event.touches) || 1, zoom: zoomRef.current } : null;
    };
    const onTouchMove = (event: TouchEvent) => {
      if (!pinch || event.touches.length !== 2) return;
      if (event.cancelable) event.preventDefault();
      const [a, b] = [event.touches[0], event.touches[1]];
      zoomTo((pinch.zoom * spread(event.touches)) / pinch.spread, { x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 });
    };
    const onTouchEnd = (event: TouchEvent) => {
      if (event.touches.length < 2) pinch = null;
    };
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      zoomTo(zoomRef.current * Math.exp(-event.deltaY / 200), { x: event.clientX, y: event.clientY });
    };
    frame.addEventListener('touchstart', onTouchStart, { passive: true });
    frame.addEventListener('touchmove', onTouchMove, { passive: false });
    frame.addEventListener('touchend', onTouchEnd);
    frame.addEventListener('touchcancel', onTouchEnd);
    frame.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      frame.removeEventListener('touchstart', onTouchStart);
      frame.removeEventListener('touchmove', onTouchMove);
      frame.removeEventListener('touchend', onTouchEnd);
      frame.removeEventListener('touchcancel', onTouchEnd);
      frame.removeEventListener('wheel', onWheel);
    };
  }, [zoomTo]);

  const stepUp = () => ZOOM_STEPS.find((step) => step > zoomRef.current + 0.01) ?? MAX_ZOOM;
  const stepDown = () => [...ZOOM_STEPS].reverse().find((step) => step < zoomRef.current - 0.01) ?? 1;

  const moveTo = (seat: number) => {
    store.focus(seat);
    rowsRef.current?.querySelector<HTMLElement>(`[data-seat="${seat}"]`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const seat = seatOf(event.target);
    if (!seat) return;
    if (event.key === '+' || event.key === '=' || event.key === '-') {
      event.preventDefault();
      const box = (event.target as HTMLElement).getBoundingClientRect();
      zoomTo(event.key === '-' ? stepDown() : stepUp(), { x: box.left + box.width / 2, y: box.top + box.height / 2 });
      return;
    }
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const target = seatFrom(plan, seat, event.key);
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

  const rows = plan.rows.map((_, row) => <Row key={`${store.planGeneration}:${row}`} store={store} row={row} />);
  const columns = Math.max(plan.columns, 1);
  const fit = frameWidth > 0 ? Math.min(MAX_PLACE_PX, Math.max(MIN_PLACE_PX, frameWidth / (columns + LABEL_PLACES))) : MAX_PLACE_PX;
  const frameStyle = { '--columns': columns, '--u': `${(fit * zoom).toFixed(3)}px` } as CSSProperties;
  return (
    <div className="seat-map">
      <div className="map-tools" role="group" aria-label="Zoom the seat map">
        <button type="button" className="zoom-button" aria-label="Zoom out" aria-disabled={zoom <= 1 || undefined} onClick={() => zoomTo(stepDown())}>
          −
        </button>
        <span className="zoom-level">{Math.round(zoom * 100)}%</span>
        <button type="button" className="zoom-button" aria-label="Zoom in" aria-disabled={zoom >= MAX_ZOOM || undefined} onClick={() => zoomTo(stepUp())}>
          +
        </button>
        <button type="button" className="zoom-button fit" aria-disabled={zoom === 1 || undefined} onClick={() => zoomTo(1)}>
          Fit
        </button>
      </div>
      <div className="seat-frame" ref={frameRef} style={frameStyle}>
        <div className="seat-plan" ref={planRef}>
          <div className="screen" aria-hidden="true">
            Screen
          </div>
          <div className="seat-rows" role="group" aria-label={label} ref={rowsRef} onKeyDown={onKeyDown} onClick={onClick} onFocus={onFocus}>
            {rows}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The key to the map's colours and patterns, and to the shapes of the kinds of seat the plan has. */
export function SeatLegend({ store }: { store: SeatStore }) {
  const plan = useSyncExternalStore(store.subscribe, () => store.plan);
  const states: SeatState[] = ['available', 'selected', 'held', 'booked', 'mine-held', 'mine-booked'];
  return (
    <ul className="legend" aria-label="Seat states and kinds">
      {states.map((state) => (
        <li key={state}>
          <span className={`seat ${state}`} aria-hidden="true" />
          {STATE_WORDS[state].replace(/^./, (c) => c.toUpperCase())}
        </li>
      ))}
      {plan.kindsPresent.map((kind) => (
        <li key={kind}>
          <span className={`seat available ${kind}`} aria-hidden="true" />
          {KIND_LEGEND[kind as Exclude<SeatKind, 'standard'>]}
        </li>
      ))}
    </ul>
  );
}
