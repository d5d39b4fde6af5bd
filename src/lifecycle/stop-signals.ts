/**
 * How close together two stop signals must come to be one request to stop. A
 * terminal's Ctrl-C goes to its whole process group: `npm start` and the
 * service both get SIGINT, and npm passes its copy on, so the service sees
 * two within milliseconds. A cluster worker likewise gets the terminal's
 * SIGINT and its primary's SIGTERM at once. Someone who means "stop now"
 * sends the second signal after a moment, and that one still counts.
 */
export const SAME_STOP_WITHIN_MS = 1000;

export type StopSignal = 'SIGTERM' | 'SIGINT';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

export interface StopSignalHandlers {
  /** The first SIGTERM or SIGINT: stop gracefully. */
  first(signal: StopSignal): void;
  /** A signal SAME_STOP_WITHIN_MS or more after the first: stop at once. */
  again(signal: StopSignal): void;
  /** A signal within SAME_STOP_WITHIN_MS of the first, `afterMs` after it: the same stop, nothing to do but say so. */
  repeated?(signal: StopSignal, afterMs: number): void;
}

export interface StopSignalOptions {
  windowMs?: number;
  /** Milliseconds on a clock that never goes back (tests pass their own). */
  now?: () => number;
  /** Where the signals arrive: the process. */
  source?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * Listens for SIGTERM and SIGINT: the first starts a graceful stop; any
 * signal, of either kind, within `windowMs` of it is a copy of the same one
 * and is ignored; any later one forces the stop. Returns what removes the
 * listeners.
 */
export function onStopSignals(handlers: StopSignalHandlers, options: StopSignalOptions = {}): () => void {
  const { windowMs = SAME_STOP_WITHIN_MS, now = () => performance.now(), source = process } = options;
  let firstAt: number | undefined;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      const at = now();
      if (firstAt === undefined) {
        firstAt = at;
        handlers.first(signal);
      } else if (at - firstAt < windowMs) {
        handlers.repeated?.(signal, Math.round(at - firstAt));
      } else {
        handlers.again(signal);
      }
    };
    source.on(signal, listener);
    return { signal, listener };
  });
  return () => {
    for (const { signal, listener } of listeners) source.off(signal, listener);
  };
}
