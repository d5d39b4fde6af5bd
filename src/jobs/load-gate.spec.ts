import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadGate, noteRequest } from './load-gate';

/** Keeps the event loop busy (synchronous work in slices, each a request unless `requests` is false) for `ms`. */
async function busyFor(ms: number, requests = true): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (requests) noteRequest();
    const slice = performance.now() + 20;
    while (performance.now() < slice) Math.sqrt(Math.random());
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LoadGate: jobs give way to requests', () => {
  it('lets a job run after one short sample when the process is idle, and the next ones at once', async () => {
    const gate = new LoadGate(5000);
    let started = performance.now();
    await gate.whenQuiet();
    expect(performance.now() - started).toBeLessThan(300);
    started = performance.now();
    await gate.whenQuiet();
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('holds a job while the event loop is busy, and lets it go once the rush is over', async () => {
    const gate = new LoadGate(5000);
    const rush = busyFor(600);
    await sleep(0);
    const started = performance.now();
    let released = 0;
    const waiting = gate.whenQuiet().then(() => (released = performance.now() - started));
    await rush;
    await waiting;
    expect(released).toBeGreaterThanOrEqual(400);
    expect(released).toBeLessThan(2000);
  });

  it('never holds a job longer than its limit, however long the rush', async () => {
    const gate = new LoadGate(300);
    const rush = busyFor(1500);
    await sleep(0);
    const started = performance.now();
    let released = 0;
    const waiting = gate.whenQuiet().then(() => (released = performance.now() - started));
    await rush;
    await waiting;
    expect(released).toBeGreaterThanOrEqual(250);
    // The limit is checked between 100 ms samples; on a loaded machine the rush's own slices add a little.
    expect(released).toBeLessThan(1000);
  });

  it('does not hold a job for a loop kept busy by work that is no request (the jobs themselves)', async () => {
    const gate = new LoadGate(5000);
    const work = busyFor(600, false);
    await sleep(0);
    const started = performance.now();
    await gate.whenQuiet();
    expect(performance.now() - started).toBeLessThan(300);
    await work;
  });
});
