import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from '../common/filters/problem-details.filter';
import { TicketBook } from './ticket-book';

/** The requests that compete for one show's seats: a booking and a hold. */
const SEAT_REQUEST = /^\/shows\/(\d{1,10})\/(?:book|holds)\/?(?:\?|$)/;
/** A ticket's holder may come back this long after its time before the line forgets it. */
const GRACE_MS = 2000;
/** A ticket shown this much before its time counts as on time (clocks and timers are not exact). */
const EARLY_SLACK_MS = 250;
const MAX_RETRY_AFTER_S = 30;
/** A held request goes in at the latest this long after its longest expected wait, whatever the line does. */
const OVERDUE_MS = 1000;
/** Before the line has timed a request of its own. */
const FIRST_GUESS_MS = 50;
export const QUEUE_TICKET_HEADER = 'queue-ticket';

/** A request waiting in this process for its turn. */
interface Waiter {
  seq: number;
  admit(): void;
}

/** One show's line in this process. */
interface Line {
  inFlight: number;
  nextSeq: number;
  /** Requests held here, in the order of their numbers. */
  held: Waiter[];
  /** Tickets handed out and not yet shown again: number → when it is due, and how many are ahead of a number. */
  tickets: TicketBook;
  /** How long an admitted request takes (ms, moving average): how fast the line moves. */
  averageMs: number;
}

/** How many held requests have a number below `seq` (they are kept in the order of their numbers). */
function heldBefore(held: Waiter[], seq: number): number {
  let low = 0;
  let high = held.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (held[middle].seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

export type AdmissionVerdict =
  | { admitted: true; wait?: Promise<void>; leave?: () => void }
  | { admitted: false; ticket: string; place: number; retryAfterSeconds: number };

/**
 * Bounded admission per show, so that a sell-out answers everyone quickly and
 * in order. At most `perShow` booking and hold requests of one show are served
 * at once by this process. The next wait here, in the order they asked, as long
 * as their turn should come within `maxWaitMs`; the rest are answered at once,
 * before authentication, validation or the database spend anything on them,
 * with 503 SHOW_BUSY, a Retry-After and a numbered ticket (header
 * Queue-Ticket). A ticket shown again when it is due takes its number's place
 * in the line, ahead of everyone who asked after it (and while it is due, up
 * to GRACE_MS after its time, its place is kept free for it); shown before its
 * time it keeps its number and is told again when to come. So a customer who asked
 * earlier is not overtaken by one who retries faster. Tickets are signed with
 * a key of this process and honoured by it only: with several instances, each
 * keeps its own line.
 *
 * On a normal day no show has `perShow` requests in flight in one process,
 * and admission costs a map lookup and two counters per request.
 */
export class ShowAdmission {
  private readonly lines = new Map<number, Line>();
  private readonly key = randomBytes(32);
  private readonly instance = randomBytes(6).toString('base64url');

  constructor(
    private readonly perShow: number,
    private readonly maxWaitMs: number,
    /** A monotonic clock in ms: the line's times are its own (tickets are honoured by this process only). */
    private readonly now: () => number = () => Math.round(performance.now()),
  ) {}

  /** The show a request competes for, if it is a booking or a hold. */
  static showOf(method: string, url: string): number | undefined {
    if (method !== 'POST') return undefined;
    const match = SEAT_REQUEST.exec(url);
    return match ? Number(match[1]) : undefined;
  }

  /** Admitted now, admitted once `wait` resolves, or refused with a ticket; an admitted request calls `done` when answered. */
  admit(showId: number, ticketText?: string): AdmissionVerdict {
    const now = this.now();
    const line = this.lineOf(showId);
    line.tickets.advance(now);
    const ticket = ticketText === undefined ? undefined : this.read(ticketText, showId);
    const dueAt = ticket && line.tickets.get(ticket.seq);
    let seq: number;
    if (ticket && dueAt !== undefined) {
      seq = ticket.seq;
      // Early: the same place, the same time to come back.
      if (now < dueAt - EARLY_SLACK_MS) return this.refusal(showId, line, seq, dueAt, now, true);
      line.tickets.remove(seq);
    } else {
      seq = line.nextSeq++;
    }
    // Earlier tickets that are due hold their places: their customers may be back any moment.
    const owed = line.tickets.dueBefore(seq);
    if (line.inFlight + owed < this.perShow && (line.held.length === 0 || line.held[0].seq > seq)) {
      line.inFlight++;
      return { admitted: true };
    }
    // Places ahead: those held here with an earlier number, and earlier tickets still to come back.
    const at = heldBefore(line.held, seq);
    const waitMs = this.waitFor(line, at + line.tickets.before(seq));
    // Held only behind requests in flight, whose answers move the line (places kept for due tickets alone move nothing).
    if (waitMs <= this.maxWaitMs && line.inFlight > 0) {
      let waiter!: Waiter;
      const wait = new Promise<void>((resolve) => {
        waiter = { seq, admit: resolve };
        line.held.splice(at, 0, waiter);
      });
      // However the line goes, nobody waits here much past the longest wait it holds for.
      const overdue = setTimeout(() => {
        const index = line.held.indexOf(waiter);
        if (index < 0) return;
        line.held.splice(index, 1);
        line.inFlight++;
        waiter.admit();
      }, this.maxWaitMs + OVERDUE_MS);
      overdue.unref();
      void wait.then(() => clearTimeout(overdue));
      const leave = () => {
        clearTimeout(overdue);
        const index = line.held.indexOf(waiter);
        if (index >= 0) line.held.splice(index, 1);
        this.next(showId, line);
      };
      return { admitted: true, wait, leave };
    }
    return this.refusal(showId, line, seq, now + waitMs, now);
  }

  /** An admitted request was answered after `elapsedMs`: the next in line goes. */
  done(showId: number, elapsedMs: number): void {
    const line = this.lines.get(showId);
    if (!line) return;
    line.inFlight--;
    line.averageMs = line.averageMs === 0 ? elapsedMs : line.averageMs * 0.9 + elapsedMs * 0.1;
    this.next(showId, line);
  }

  /** How many requests of a show this process serves or holds (for metrics and tests). */
  load(showId: number): { inFlight: number; held: number; tickets: number } {
    const line = this.lines.get(showId);
    return { inFlight: line?.inFlight ?? 0, held: line?.held.length ?? 0, tickets: line?.tickets.size ?? 0 };
  }

  private next(showId: number, line: Line): void {
    while (line.inFlight < this.perShow && line.held.length > 0) {
      line.inFlight++;
      line.held.shift()!.admit();
    }
    if (line.inFlight === 0 && line.held.length === 0 && line.tickets.size === 0) this.lines.delete(showId);
  }

  /** How long the places ahead take to pass: the line serves `perShow` at a time, each in about averageMs. */
  private waitFor(line: Line, ahead: number): number {
    return Math.floor(ahead / this.perShow + 1) * (line.averageMs || FIRST_GUESS_MS);
  }

  /** Refused with ticket `seq`, due at `dueAt` (rounded up to whole seconds from now unless `exact`: a ticket kept as it was). */
  private refusal(showId: number, line: Line, seq: number, dueAt: number, now: number, exact = false): AdmissionVerdict {
    const retryAfterSeconds = Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil((dueAt - now) / 1000)));
    const due = exact ? dueAt : now + retryAfterSeconds * 1000;
    line.tickets.issue(seq, due, now);
    const place = 1 + line.held.length + line.tickets.before(seq);
    return { admitted: false, ticket: this.sign(showId, seq, due), place, retryAfterSeconds };
  }

  private lineOf(showId: number): Line {
    let line = this.lines.get(showId);
    if (!line) {
      line = { inFlight: 0, nextSeq: 1, held: [], tickets: new TicketBook(EARLY_SLACK_MS, GRACE_MS), averageMs: 0 };
      this.lines.set(showId, line);
    }
    return line;
  }

  private sign(showId: number, seq: number, dueAt: number): string {
    const payload = `${this.instance}.${showId}.${seq}.${dueAt}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** A ticket of this process for this show, or undefined (forged, another instance's, another show's). */
  private read(text: string, showId: number): { seq: number } | undefined {
    const parts = text.split('.');
    if (parts.length !== 5 || parts[0] !== this.instance || parts[1] !== String(showId)) return undefined;
    const given = Buffer.from(parts[4]);
    const expected = Buffer.from(this.mac(parts.slice(0, 4).join('.')));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { seq: Number(parts[2]) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}

/**
 * The admission line as a Fastify hook, before everything but the request log
 * and the shutdown check: a refused request costs no more than its parsing.
 * BOOKING_ADMISSION_PER_SHOW=0 turns it off.
 */
export function showAdmission(fastify: FastifyInstance, perShow: number, maxWaitMs: number): ShowAdmission | undefined {
  if (perShow === 0) return undefined;
  const admission = new ShowAdmission(perShow, maxWaitMs);
  fastify.addHook('onRequest', async (request, reply) => {
    const showId = ShowAdmission.showOf(request.method, request.url);
    if (showId === undefined) return;
    const header = request.headers[QUEUE_TICKET_HEADER];
    const verdict = admission.admit(showId, typeof header === 'string' ? header : undefined);
    if (verdict.admitted) {
      if (verdict.wait) {
        // A client that goes away while it waits leaves the line (its connection closes; a kept-alive one stays open).
        const socket = request.raw.socket;
        const gone = () => verdict.leave!();
        socket.once('close', gone);
        await verdict.wait;
        socket.off('close', gone);
      }
      const started = performance.now();
      reply.raw.once('close', () => admission.done(showId, performance.now() - started));
      return;
    }
    void reply.header('retry-after', String(verdict.retryAfterSeconds)).header(QUEUE_TICKET_HEADER, verdict.ticket);
    sendProblem(
      reply,
      problem(
        503,
        'SHOW_BUSY',
        `Many customers are booking this show right now: you are number ${verdict.place} in line. ` +
          `Send the request again in ${verdict.retryAfterSeconds} s with the header Queue-Ticket: ${verdict.ticket} to keep your place.`,
        { retry_after: verdict.retryAfterSeconds, place: verdict.place, ticket: verdict.ticket },
      ),
    );
    return reply;
  });
  return admission;
}
