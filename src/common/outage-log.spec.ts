import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  let now: number;
  let lines: string[];
  let log: OutageLog;

  beforeEach(() => {
    now = 1_000_000;
    lines = [];
    const logger = { warn: (line: string) => lines.push(`warn ${line}`), log: (line: string) => lines.push(`log ${line}`) };
    log = new OutageLog(logger, 'LISTEN reconnect', 60_000, () => now);
  });

  it('logs the first failure, then at most one line a minute with a count, then one line when it works again', () => {
    for (let second = 0; second < 240; second++) {
      log.failed(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      now += 1000;
    }
    log.succeeded();
    expect(lines).toEqual([
      'warn LISTEN reconnect failed: connect ECONNREFUSED 127.0.0.1:5432',
      'warn LISTEN reconnect still failing: 61 failures in 60 s, the last: connect ECONNREFUSED 127.0.0.1:5432',
      'warn LISTEN reconnect still failing: 121 failures in 120 s, the last: connect ECONNREFUSED 127.0.0.1:5432',
      'warn LISTEN reconnect still failing: 181 failures in 180 s, the last: connect ECONNREFUSED 127.0.0.1:5432',
      'log LISTEN reconnect works again after 240 s (240 failures)',
    ]);
  });

  it('says nothing while things work, and starts afresh after a recovery', () => {
    log.succeeded();
    log.failed('timeout');
    log.succeeded();
    log.succeeded();
    log.failed('timeout');
    expect(lines).toEqual([
      'warn LISTEN reconnect failed: timeout',
      'log LISTEN reconnect works again after 0 s (1 failure)',
      'warn LISTEN reconnect failed: timeout',
    ]);
  });
});
