/**
 * A kind of event a committed transaction reports: `new EventKind<Payload>(name)`.
 * The database layer knows kinds only as tokens; the module that owns a kind
 * declares it, its statements (or its work) report it, and its subscribers
 * receive what every committed transaction reported of it. Nothing is
 * announced after a rollback.
 */
export class EventKind<Payload> {
  constructor(readonly name: string) {}

  /** These payloads, reported as this kind. */
  of(...payloads: Payload[]): Reported<Payload> {
    return { kind: this, payloads };
  }
}

/** What a statement or a transaction's work says happened: some payloads of one kind. */
export interface Reported<Payload = unknown> {
  kind: EventKind<Payload>;
  payloads: Payload[];
}

type Listener<Payload> = (payloads: Payload[]) => void;

/** Subscribers by kind; `announce` hands each kind's payloads of one commit to its subscribers, once. */
export class EventBus {
  private readonly listeners = new Map<EventKind<unknown>, Set<Listener<unknown>>>();

  on<Payload>(kind: EventKind<Payload>, listener: Listener<Payload>): void {
    const set = this.listeners.get(kind as EventKind<unknown>) ?? new Set();
    set.add(listener as Listener<unknown>);
    this.listeners.set(kind as EventKind<unknown>, set);
  }

  announce(reported: Reported[]): void {
    if (reported.length === 0) return;
    const byKind = new Map<EventKind<unknown>, unknown[]>();
    for (const { kind, payloads } of reported) {
      if (payloads.length === 0) continue;
      const list = byKind.get(kind);
      if (list) list.push(...payloads);
      else byKind.set(kind, [...payloads]);
    }
    for (const [kind, payloads] of byKind) {
      for (const listener of this.listeners.get(kind) ?? []) listener(payloads);
    }
  }
}
