import type { Response } from 'supertest';
import { CrowdWorld, crowdWorld } from '../factories';
import { bookingsOf, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';
import { sorted } from '../support/seats';

/** Pairs of overlapping requests: reversed order, partial overlap, a single shared seat, the 10-seat maximum. */
const PATTERNS: [number[], number[]][] = [
  [
    [1, 2, 3, 4],
    [4, 3, 2, 1],
  ],
  [
    [1, 2, 3, 4],
    [3, 4, 5, 6],
  ],
  [
    [2, 4, 6, 8],
    [8, 7, 6, 5],
  ],
  [
    [1, 12],
    [12, 1],
  ],
  [
    [5, 6, 7, 8, 9, 10, 1, 2, 3, 4],
    [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
  ],
  [
    [9, 3],
    [3, 11, 12],
  ],
];

describe('multi-seat bookings racing each other (e2e)', () => {
  let { ctx, api, users, newShow } = {} as CrowdWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, users, newShow } = await crowdWorld(4));
  });

  afterAll(() => ctx?.teardown());

  it('25 rounds of two overlapping requests fired together: one 201 and one 409 SEAT_TAKEN each, never a 5xx, never a partial booking', async () => {
    const rounds = 25;
    const shows = await Promise.all(Array.from({ length: rounds }, () => newShow(12)));
    const outcomes: string[] = [];

    for (let round = 0; round < rounds; round++) {
      const show = shows[round];
      const [seatsA, seatsB] = PATTERNS[round % PATTERNS.length];
      const [userA, userB] = round % 2 === 0 ? [users[0], users[1]] : [users[2], users[3]];
      const answers: Response[] = await Promise.all([api.book(userA, show.id, seatsA), api.book(userB, show.id, seatsB)]);
      const statuses = answers.map((res) => res.status);
      outcomes.push(statuses.join('/'));
      const label = `round ${round} ${JSON.stringify([seatsA, seatsB])}: ${statuses.join(', ')} ${answers.map((r) => r.body?.code ?? '').join(' ')}`;
      expect({ label, sorted: sorted(statuses) }).toEqual({ label, sorted: [201, 409] });

      const winnerIndex = statuses.indexOf(201);
      const [winnerSeats, loserSeats] = winnerIndex === 0 ? [seatsA, seatsB] : [seatsB, seatsA];
      const winnerUser = winnerIndex === 0 ? userA : userB;
      const won = answers[winnerIndex];
      const lost = answers[1 - winnerIndex];

      // the winner got every seat it asked for, as an array of bookings
      expect(sorted(won.body.map((b: { seat_number: number }) => b.seat_number))).toEqual(sorted(winnerSeats));
      // the loser is told exactly which seats it could not have
      const overlap = loserSeats.filter((seat) => winnerSeats.includes(seat));
      expect(sorted(expectProblem(lost, 409, 'SEAT_TAKEN').seats as number[])).toEqual(sorted(overlap));

      // the database holds exactly the winner's bookings, and the seats point at them
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows.map((r) => [r.seat_number, r.user_id, r.status]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(
        sorted(winnerSeats).map((seat) => [seat, winnerUser.id, 'booked']),
      );
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual(
        Object.fromEntries(won.body.map((b: { id: number; seat_number: number }) => [b.seat_number, b.id])),
      );
      // and the loser's other seats are still free for anyone
      const free = loserSeats.filter((seat) => !winnerSeats.includes(seat));
      const map = (await api.seatMap(show.id).expect(200)).body;
      expect(map.available_seats).toBe(12 - winnerSeats.length);
      for (const seat of free) expect(map.seats[seat - 1]).toMatchObject({ seat_number: seat, status: 'available' });
    }
    expect(outcomes).toHaveLength(rounds);
  });

  it('five rounds at once, each a pair over its own show: still one winner per show and nothing partial', async () => {
    const shows = await Promise.all(Array.from({ length: 5 }, () => newShow(12)));
    const answers = await Promise.all(
      shows.map((show) => Promise.all([api.book(users[0], show.id, [1, 2, 3, 4, 5]), api.book(users[1], show.id, [5, 4, 3, 2, 1])])),
    );
    for (const [index, pair] of answers.entries()) {
      const statuses = pair.map((res) => res.status);
      expect({ show: index, statuses: sorted(statuses) }).toEqual({ show: index, statuses: [201, 409] });
      const winner = pair[statuses.indexOf(201)];
      expect(pair[statuses.indexOf(409)].body).toMatchObject({ code: 'SEAT_TAKEN' });
      const rows = await bookingsOf(ctx.db.pool, shows[index].id);
      expect(rows.map((r) => r.id).sort()).toEqual(winner.body.map((b: { id: number }) => b.id).sort());
      expect(new Set(rows.map((r) => r.user_id)).size).toBe(1);
    }
  });
});
