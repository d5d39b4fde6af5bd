import { type FormEvent, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { api, type ApiProblem, call, newIdempotencyKey, type Schemas, type Show, totalOf } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath, useLocation } from '../router';
import { useCamera } from '../tickets/camera';
import { seatWords } from '../tickets/saved';
import '../tickets/tickets.css';
import { toProblem, useLoad } from '../ui/async';
import { dayKey, formatDateTime, formatTime } from '../ui/format';
import { Field, PageTitle, ProblemText, Ready } from '../ui/parts';

type Counts = Schemas['CheckInCounts'];

const PAGE = 200;
/** The same code from the camera within this long of its last sighting is the same ticket still held up: not posted again. */
const SAME_CODE_MS = 3000;
/** Upcoming shows listed to choose from (today's are all listed). */
const UPCOMING_LISTED = 60;

/** Every item of a paged list. */
async function allOf<T>(page: (offset: number) => Promise<{ data: T[]; response: Response }>): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { data, response } = await page(offset);
    items.push(...data);
    if (data.length < PAGE || items.length >= totalOf(response)) return items;
  }
}

/** Shows not over yet and not cancelled: today's (and any still running) first, then the next ones. */
async function doorShows(): Promise<{ today: Show[]; upcoming: Show[] }> {
  const movies = await allOf((offset) => call(api.GET('/movies', { params: { query: { limit: PAGE, offset } } })));
  const shows: Show[] = [];
  // A few movies at a time: enough to be quick, few enough to stay clear of the rate limit.
  for (let i = 0; i < movies.length; i += 4) {
    const lists = await Promise.all(
      movies.slice(i, i + 4).map(async (movie) => {
        const list = await allOf((offset) => call(api.GET('/movies/{id}/shows', { params: { path: { id: movie.id }, query: { limit: PAGE, offset } } })));
        return list.filter((show) => show.status === 'scheduled' && Date.parse(show.date_time) + movie.duration_minutes * 60_000 > Date.now());
      }),
    );
    shows.push(...lists.flat());
  }
  shows.sort((a, b) => Date.parse(a.date_time) - Date.parse(b.date_time));
  const today = dayKey(new Date().toISOString());
  const isToday = (show: Show) => dayKey(show.date_time) === today || Date.parse(show.date_time) <= Date.now();
  return { today: shows.filter(isToday), upcoming: shows.filter((show) => !isToday(show)).slice(0, UPCOMING_LISTED) };
}

/** The door: for staff and admins. Choose a show, then scan or type each ticket's code. */
export function CheckInPage() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const { query } = useLocation();
  const chosen = Number(query.get('show'));
  const showId = Number.isInteger(chosen) && chosen > 0 ? chosen : null;

  if (state.status === 'signed-out') {
    return (
      <section>
        <PageTitle title="Check-in">Check-in</PageTitle>
        <p>
          This page is for door staff. <Link to={loginPath(location.pathname + location.search)}>Log in</Link> with a staff account.
        </p>
      </section>
    );
  }
  if (!state.me) return <p className="muted">Loading…</p>;
  if (state.me.role !== 'staff' && state.me.role !== 'admin') {
    return (
      <section>
        <PageTitle title="Check-in">Check-in</PageTitle>
        <p>This page is for door staff: your account cannot check tickets in.</p>
      </section>
    );
  }
  return showId === null ? <ShowChooser /> : <Door key={showId} showId={showId} />;
}

function ShowChooser() {
  const loaded = useLoad(doorShows, 'shows');
  return (
    <section>
      <PageTitle title="Check-in">Check-in: choose a show</PageTitle>
      <Ready loaded={loaded} what="the shows">
        {({ today, upcoming }) => (
          <>
            <h2>Today</h2>
            {today.length === 0 ? <p className="muted">No more shows today.</p> : <ShowLinks shows={today} when={formatTime} />}
            <h2>Upcoming</h2>
            {upcoming.length === 0 ? <p className="muted">No upcoming shows.</p> : <ShowLinks shows={upcoming} when={formatDateTime} />}
          </>
        )}
      </Ready>
    </section>
  );
}

function ShowLinks({ shows, when }: { shows: Show[]; when: (iso: string) => string }) {
  return (
    <ul className="door-shows">
      {shows.map((show) => (
        <li key={show.id}>
          <Link to={`/check-in?show=${show.id}`} className="ticket-link">
            {when(show.date_time)} {show.movie_title} · {show.screen_name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

type Verdict = { kind: 'admitted' | 'refused'; headline: string; detail: string; serial: number };

let serials = 0;

/** POST /check-ins/ for this door's show, and its answer in words. */
async function checkIn(code: string, showId: number): Promise<Omit<Verdict, 'serial'> & { unreachable?: boolean }> {
  try {
    const { data } = await call(
      api.POST('/check-ins', { params: { header: { 'Idempotency-Key': newIdempotencyKey() } }, body: { ticket_code: code, show_id: showId } }),
    );
    return { kind: 'admitted', headline: `Admitted — seat ${data.seat_label}`, detail: `${seatWords(data.seat_label)}. Checked in at ${formatTime(data.checked_in_at)}.` };
  } catch (error) {
    const problem = toProblem(error);
    const { seat_label, checked_in_at, opens_at } = problem.problem;
    const seat = seat_label ? `Seat ${seat_label} (${seatWords(seat_label)}).` : '';
    const refused = (headline: string, detail = seat) => ({ kind: 'refused' as const, headline, detail });
    switch (problem.code) {
      case 'ALREADY_CHECKED_IN':
        return refused(checked_in_at ? `Already checked in at ${formatTime(checked_in_at)}` : 'Already checked in');
      case 'TICKET_CANCELLED':
        return refused('Cancelled ticket', `${seat} Its booking was cancelled.`);
      case 'WRONG_SHOW':
        return refused('Ticket for another show', `${seat} ${problem.message}`);
      case 'TOO_EARLY':
        return refused(opens_at ? `Too early — check-in opens at ${formatTime(opens_at)}` : 'Too early', seat);
      case 'TICKET_NOT_FOUND':
        return refused('Unknown ticket', 'No ticket has this code.');
      case 'VALIDATION_FAILED':
        return refused('Not a ticket code', 'A ticket code has only letters, digits, - and _.');
      default:
        return { ...refused('Not checked', `${problem.message}`), unreachable: problem.status === 0 || problem.status >= 500 };
    }
  }
}

function Door({ showId }: { showId: number }) {
  const show = useLoad(async () => (await call(api.GET('/shows/{id}', { params: { path: { id: showId } } }))).data, String(showId));
  const [counts, setCounts] = useState<Counts | null>(null);
  const [countsProblem, setCountsProblem] = useState<ApiProblem | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [typed, setTyped] = useState('');
  const queue = useRef(Promise.resolve());
  const lastSeen = useRef<{ code: string; at: number; failed: boolean } | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  const refreshCounts = useCallback(async () => {
    try {
      const { data } = await call(api.GET('/shows/{id}/check-ins', { params: { path: { id: showId } } }));
      setCounts(data);
      setCountsProblem(null);
    } catch (error) {
      setCountsProblem(toProblem(error));
    }
  }, [showId]);
  useEffect(() => void refreshCounts(), [refreshCounts]);

  /** One check-in at a time, in the order the codes came. */
  const check = (code: string, fromCamera: boolean) => {
    queue.current = queue.current.then(async () => {
      const { unreachable, ...answer } = await checkIn(code, showId);
      // A camera code that never reached the box office is tried again once the debounce has passed.
      if (fromCamera && unreachable) lastSeen.current = { code, at: Date.now(), failed: true };
      setVerdict({ ...answer, serial: ++serials });
      await refreshCounts();
    });
  };

  const camera = useCamera(video, (code) => {
    const now = Date.now();
    const last = lastSeen.current;
    if (last && last.code === code && now - last.at < SAME_CODE_MS) {
      // Still held in front of the camera: the quiet time starts again from this sighting.
      if (!last.failed) last.at = now;
      return;
    }
    lastSeen.current = { code, at: now, failed: false };
    check(code, true);
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = typed.trim();
    if (!code) return;
    setTyped('');
    // A typed code is always posted: the person meant it.
    check(code, false);
  };

  const cameraOn = camera.state.status === 'on' || camera.state.status === 'starting';
  return (
    <section className="door">
      <PageTitle title="Check-in">Check-in</PageTitle>
      <Ready loaded={show} what="the show">
        {(show) => (
          <p className="door-show">
            <strong>{show.movie_title}</strong> · {formatDateTime(show.date_time)} · {show.screen_name} <Link to="/check-in">Choose another show</Link>
          </p>
        )}
      </Ready>
      <p className="door-counts">{counts ? `Admitted ${counts.admitted} of ${counts.expected} expected` : <span className="muted">Counting…</span>}</p>
      <ProblemText problem={countsProblem} />

      {/* Two live regions, always there: a ticket let in is said politely, a refusal at once. */}
      <div role="status" aria-atomic="true">
        {verdict?.kind === 'admitted' && <VerdictPanel verdict={verdict} key={verdict.serial} />}
      </div>
      <div role="alert" aria-atomic="true">
        {verdict?.kind === 'refused' && <VerdictPanel verdict={verdict} key={verdict.serial} />}
      </div>
      {!verdict && (
        <div className="verdict waiting">
          <span className="verdict-detail">Ready: scan a ticket or type its code.</span>
        </div>
      )}

      <div className="door-layout">
        <form className="inline-form" onSubmit={submit} aria-labelledby="type-code" noValidate>
          <h2 id="type-code">Type or paste a code</h2>
          <Field label="Ticket code" name="ticket_code" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" autoCapitalize="off" spellCheck={false} />
          <button type="submit" className="button">
            Check in
          </button>
        </form>

        <section className="camera" aria-labelledby="camera-heading" data-decoder={camera.state.status === 'on' ? camera.state.decoder : undefined}>
          <h2 id="camera-heading">Scan with the camera</h2>
          <p className="hint">A phone’s camera works only when this page is opened over HTTPS (or on localhost).</p>
          <div className="actions">
            {cameraOn ? (
              <button type="button" className="button secondary" onClick={camera.stop}>
                Stop camera
              </button>
            ) : (
              <button type="button" className="button" onClick={camera.start}>
                Start camera
              </button>
            )}
          </div>
          {camera.state.status === 'starting' && <p className="muted">Starting the camera…</p>}
          {camera.state.status === 'on' && <p className="muted">Scanning: hold a ticket’s QR code in front of the camera.</p>}
          {camera.state.status === 'failed' && (
            <p className="problem" role="alert">
              {camera.state.problem}
            </p>
          )}
          <video ref={video} muted playsInline hidden={!cameraOn} aria-label="Camera view" />
        </section>
      </div>
    </section>
  );
}

function VerdictPanel({ verdict }: { verdict: Verdict }) {
  return (
    <div className={`verdict ${verdict.kind}`}>
      {verdict.kind === 'refused' && <span className="verdict-label">Not admitted</span>}
      <span className="verdict-headline">{verdict.headline}</span>
      {verdict.detail && <span className="verdict-detail">{verdict.detail}</span>}
    </div>
  );
}
