import { EventEmitter } from 'node:events';
import { onStopSignals, SAME_STOP_WITHIN_MS, StopSignal } from './stop-signals';

describe('onStopSignals: a signal repeated within a moment counts once', () => {
  let time: number;
  let source: EventEmitter;
  let calls: string[];
  let off: () => void;

  beforeEach(() => {
    time = 1000;
    source = new EventEmitter();
    calls = [];
    off = onStopSignals(
      {
        first: (signal) => calls.push(`first ${signal}`),
        again: (signal) => calls.push(`again ${signal}`),
        repeated: (signal, afterMs) => calls.push(`repeated ${signal} +${afterMs}`),
      },
      { now: () => time, source: source as unknown as NodeJS.Process },
    );
  });

  const send = (signal: StopSignal, afterMs = 0) => {
    time += afterMs;
    source.emit(signal);
  };

  it('Ctrl-C under npm: the terminal\'s SIGINT and npm\'s copy 5 ms later are one stop', () => {
    send('SIGINT');
    send('SIGINT', 5);
    expect(calls).toEqual(['first SIGINT', 'repeated SIGINT +5']);
  });

  it('a cluster worker: the terminal\'s SIGINT and the primary\'s SIGTERM are one stop, whichever kind', () => {
    send('SIGINT');
    send('SIGTERM', 2);
    expect(calls).toEqual(['first SIGINT', 'repeated SIGTERM +2']);
  });

  it('a second signal a moment later forces the stop, measured from the first (copies do not extend the moment)', () => {
    send('SIGTERM');
    send('SIGTERM', SAME_STOP_WITHIN_MS - 1);
    send('SIGTERM', 1);
    expect(calls).toEqual(['first SIGTERM', `repeated SIGTERM +${SAME_STOP_WITHIN_MS - 1}`, 'again SIGTERM']);
  });

  it('removes its listeners', () => {
    off();
    send('SIGINT');
    expect(calls).toEqual([]);
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});
