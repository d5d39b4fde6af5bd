import { ShowAdmission } from './show-admission';

/** A line of 2 at once, holding what should go within 80 ms, on a clock the test moves. */
function lineOf(perShow = 2, maxWaitMs = 80) {
  const clock = { at: 1_000_000 };
  return { clock, admission: new ShowAdmission(perShow, maxWaitMs, () => clock.at) };
}

describe('ShowAdmission: a bounded, ordered line per show', () => {
  it('admits up to its bound at once, holds the next in order, and refuses the rest with a numbered ticket', async () => {
    const { admission } = lineOf();
    expect(admission.admit(7)).toEqual({ admitted: true });
    expect(admission.admit(7)).toEqual({ admitted: true });
    // Another show has its own line.
    expect(admission.admit(8)).toEqual({ admitted: true });
    // The third and fourth of show 7 go in ~one request's time (the first guess, 50 ms): held.
    const third = admission.admit(7);
    const fourth = admission.admit(7);
    expect([third.admitted, fourth.admitted, 'wait' in third && !!third.wait]).toEqual([true, true, true]);
    // The fifth would wait two requests' time, past 80 ms: refused, told its place and when to come back.
    const fifth = admission.admit(7);
    expect(fifth).toMatchObject({ admitted: false, place: 3, retryAfterSeconds: 1, ticket: expect.stringMatching(/^[\w-]+\.7\.5\.\d+\.[\w-]{22}$/) });
    expect(admission.load(7)).toEqual({ inFlight: 2, held: 2, tickets: 1 });

    const order: string[] = [];
    if (third.admitted && fourth.admitted) {
      void third.wait!.then(() => order.push('third'));
      void fourth.wait!.then(() => order.push('fourth'));
    }
    admission.done(7, 40);
    await Promise.resolve();
    expect(order).toEqual(['third']);
    admission.done(7, 40);
    await Promise.resolve();
    expect(order).toEqual(['third', 'fourth']);
  });

  it('a ticket shown early keeps its place and is told again; shown on time it goes before everyone who asked after it', async () => {
    const { clock, admission } = lineOf(1, 0);
    expect(admission.admit(7)).toEqual({ admitted: true });
    const early = admission.admit(7);
    const later = admission.admit(7);
    if (early.admitted || later.admitted) throw new Error('both should be refused');
    expect([early.place, later.place]).toEqual([1, 2]);

    // Back too soon: the same ticket, the same place, no earlier.
    clock.at += 200;
    const again = admission.admit(7, early.ticket);
    expect(again).toMatchObject({ admitted: false, place: 1, ticket: early.ticket });

    // The first request is answered; on time, the later ticket and a newcomer come before the earlier ticket's holder.
    admission.done(7, 10);
    clock.at += 2000;
    const newcomer = admission.admit(7);
    expect(newcomer).toMatchObject({ admitted: false });
    const laterBack = admission.admit(7, later.ticket);
    expect(laterBack).toMatchObject({ admitted: false, place: 2 });
    // The earliest asker is served first, whoever came back first.
    expect(admission.admit(7, early.ticket)).toEqual({ admitted: true });
  });

  it('refuses forged tickets and tickets of another show as if none were shown', () => {
    const { admission } = lineOf(1, 0);
    admission.admit(7);
    const refused = admission.admit(7);
    if (refused.admitted) throw new Error('should be refused');
    const [instance, , seq, due, mac] = refused.ticket.split('.');
    for (const bad of [`${instance}.8.${seq}.${due}.${mac}`, `${instance}.7.1.${due}.${mac}`, 'nonsense', `${refused.ticket}x`]) {
      // Not honoured: a new, later number.
      expect(admission.admit(7, bad)).toMatchObject({ admitted: false, place: expect.any(Number) });
    }
    expect(admission.load(7).tickets).toBe(5);
  });

  it('a held request that leaves gives its place to the next', async () => {
    const { admission } = lineOf(1, 1000);
    admission.admit(7);
    const a = admission.admit(7);
    const b = admission.admit(7);
    if (!a.admitted || !b.admitted) throw new Error('both should be held');
    let bIn = false;
    void b.wait!.then(() => (bIn = true));
    a.leave!();
    admission.done(7, 5);
    await Promise.resolve();
    expect(bIn).toBe(true);
    expect(admission.load(7)).toEqual({ inFlight: 1, held: 0, tickets: 0 });
  });

  it('never leaves a request held with nothing in flight to move the line (random rushes, tickets kept and dropped)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const { clock, admission } = lineOf(1 + Math.floor(random() * 3), Math.floor(random() * 200));
      const inFlight: number[] = [];
      const tickets: string[] = [];
      for (let step = 0; step < 60; step++) {
        const roll = random();
        if (roll < 0.5) {
          const verdict = admission.admit(7, random() < 0.5 ? tickets.shift() : undefined);
          if (verdict.admitted && !verdict.wait) inFlight.push(1);
          if (verdict.admitted && verdict.wait) void verdict.wait.then(() => inFlight.push(1));
          if (!verdict.admitted && random() < 0.7) tickets.push(verdict.ticket);
        } else if (roll < 0.8 && inFlight.length > 0) {
          inFlight.pop();
          admission.done(7, 1 + Math.floor(random() * 100));
        } else {
          clock.at += Math.floor(random() * 3000);
        }
        const load = admission.load(7);
        expect({ round, step, stuck: load.held > 0 && load.inFlight === 0 }).toEqual({ round, step, stuck: false });
      }
    }
  });

  it('admits a held request after its longest wait even if no answer moves the line', async () => {
    jest.useFakeTimers();
    try {
      const { admission } = lineOf(1, 100);
      admission.admit(7);
      const held = admission.admit(7);
      if (!held.admitted || !held.wait) throw new Error('should be held');
      let inside = false;
      void held.wait.then(() => (inside = true));
      jest.advanceTimersByTime(1200);
      await Promise.resolve();
      expect(inside).toBe(true);
      expect(admission.load(7)).toMatchObject({ inFlight: 2, held: 0 });
    } finally {
      jest.useRealTimers();
    }
  });
});
