import { LOCK_HOLD_TO_CONFIRM, LOCK_HOLDER_SHOW, RELEASE_HOLD } from '../../src/bookings/holds/sql/end-holds';
import { LOCK_CUSTOMER_SHOWS } from '../../src/bookings/sql/book-seats';
import { CANCEL_BOOKING } from '../../src/bookings/sql/cancel-booking';
import { Queryable, statement } from '../../src/database/statement';

/** The advisory locks the calling transaction holds. */
const MY_ADVISORY_LOCKS = statement<[], { classid: number; objid: number; objsubid: number }>({
  name: 'test-my-advisory-locks',
  text: `SELECT classid::int, objid::int, objsubid::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
});
import { actingAs } from '../../src/common/access/may-act';
import type { Role } from '../../src/common/decorators/auth.decorators';
import { insertBookings, insertHold, insertShow, insertUser, migratedDatabase, MigratedDatabase } from './migrated-database';

/**
 * Cancel, confirm and release decide on the row they lock and name their
 * refusal in SQL, as booking does: each case straight against the deciding
 * statement (no HTTP), with who may act passed in as may-act.ts decides it.
 */
describe('the refusals of cancel, confirm and release (the deciding statements on a migrated database, no HTTP)', () => {
  let database: MigratedDatabase;
  let owner: { id: number; role: Role };
  let stranger: { id: number; role: Role };
  let admin: { id: number; role: Role };
  const now = new Date();
  const later = new Date(now.getTime() + 600_000);
  const earlier = new Date(now.getTime() - 1000);

  beforeAll(async () => {
    database = await migratedDatabase();
    owner = { id: await insertUser(database), role: 'customer' };
    stranger = { id: await insertUser(database), role: 'customer' };
    admin = { id: await insertUser(database), role: 'admin' };
  });
  afterAll(() => database?.drop());

  const query = async (text: string, values: unknown[]) => (await database.pool.query(text, values)).rows;

  describe('CANCEL_BOOKING', () => {
    async function booking({ started = false, cancelled = false } = {}): Promise<{ show: number; id: number }> {
      const show = await insertShow(database, 5, started ? new Date(now.getTime() - 60_000) : undefined);
      await insertBookings(database, owner.id, show, [2]);
      const [{ id }] = await query(`SELECT id FROM bookings WHERE show_id = $1`, [show]);
      if (cancelled) {
        await query(`UPDATE seats SET booking_id = NULL WHERE booking_id = $1`, [id]);
        await query(`UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1`, [id, earlier]);
      }
      return { show, id };
    }
    const cancel = (id: number, actor: { id: number; role: Role }) => database.db.rows(CANCEL_BOOKING, id, now, ...actingAs(actor, 'cancel-booking'), 0);
    const state = async (id: number) => (await query(`SELECT b.status, s.booking_id FROM bookings b JOIN seats s USING (show_id, seat_number) WHERE b.id = $1`, [id]))[0];

    it.each<[string, { started?: boolean; cancelled?: boolean }, 'owner' | 'stranger' | 'admin', string]>([
      ["someone else's booking", {}, 'stranger', 'NOT_BOOKING_OWNER'],
      ['a booking cancelled already', { cancelled: true }, 'owner', 'ALREADY_CANCELLED'],
      ['a booking of a show that has started', { started: true }, 'owner', 'SHOW_STARTED'],
      ["not the owner's, before cancelled", { cancelled: true }, 'stranger', 'NOT_BOOKING_OWNER'],
      ['cancelled, before started', { started: true, cancelled: true }, 'admin', 'ALREADY_CANCELLED'],
    ])('%s: refused, with the booking as evidence, and nothing changes', async (_case, world, who, refusal) => {
      const { id } = await booking(world);
      const before = await state(id);
      const actor = { owner, stranger, admin }[who];
      expect(await cancel(id, actor)).toEqual([expect.objectContaining({ refusal, booking_id: id, id: null, status: null })]);
      expect(await state(id)).toEqual(before);
    });

    it('no such booking: BOOKING_NOT_FOUND, for an admin too', async () => {
      expect(await cancel(2_000_000_000, admin)).toEqual([expect.objectContaining({ refusal: 'BOOKING_NOT_FOUND', booking_id: null, id: null })]);
    });

    it.each(['owner', 'admin'] as const)('the %s cancels: the booking is cancelled and its seat freed', async (who) => {
      const { show, id } = await booking();
      const [row] = await cancel(id, { owner, admin }[who]);
      expect(row).toMatchObject({ refusal: null, booking_id: id, id, user_id: owner.id, show_id: show, seat_number: 2, status: 'cancelled', cancelled_at: now });
      expect(await state(id)).toEqual({ status: 'cancelled', booking_id: null });
    });
  });

  describe('holds', () => {
    async function hold({ status = 'active', expiresAt = later }: { status?: string; expiresAt?: Date } = {}): Promise<{ show: number; id: number }> {
      const show = await insertShow(database, 5);
      const id = await insertHold(database, owner.id, show, [1, 2], expiresAt);
      if (status !== 'active') {
        await query(`UPDATE seats SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL WHERE hold_id = $1`, [id]);
        await query(`UPDATE holds SET status = $2::varchar, ended_at = CASE WHEN $2::varchar <> 'confirmed' THEN $3::timestamptz END WHERE id = $1`, [id, status, earlier]);
      }
      return { show, id };
    }
    const holdState = async (id: number) => ({
      hold: (await query(`SELECT status, ended_at FROM holds WHERE id = $1`, [id]))[0],
      seats: (await query(`SELECT seat_number FROM seats WHERE hold_id = $1 ORDER BY 1`, [id])).map((r) => r.seat_number),
    });

    describe('LOCK_HOLD_TO_CONFIRM', () => {
      const confirmable = async (id: number, actor: { id: number; role: Role }) =>
        (await database.db.rows(LOCK_HOLD_TO_CONFIRM, id, now, ...actingAs(actor, 'confirm-hold')))[0].refusal;

      it.each<[string, { status?: string; expiresAt?: Date }, 'owner' | 'stranger' | 'admin', string | null]>([
        ['an active hold, its owner', {}, 'owner', null],
        ["an active hold, someone else's", {}, 'stranger', 'NOT_HOLD_OWNER'],
        ["an active hold, someone else's, an admin", {}, 'admin', null],
        ['a confirmed hold', { status: 'confirmed' }, 'owner', 'HOLD_ALREADY_CONFIRMED'],
        ['a released hold', { status: 'released' }, 'owner', 'HOLD_RELEASED'],
        ['an expired hold', { status: 'expired', expiresAt: earlier }, 'owner', 'HOLD_EXPIRED'],
        ['an active hold past its expiry', { expiresAt: earlier }, 'owner', 'HOLD_EXPIRED'],
        ['a released hold past its expiry: released first', { status: 'released', expiresAt: earlier }, 'owner', 'HOLD_RELEASED'],
        ["a confirmed hold, someone else's: not theirs first", { status: 'confirmed' }, 'stranger', 'NOT_HOLD_OWNER'],
      ])('%s', async (_case, world, who, refusal) => {
        const { id } = await hold(world);
        const before = await holdState(id);
        expect(await confirmable(id, { owner, stranger, admin }[who])).toBe(refusal);
        expect(await holdState(id)).toEqual(before);
      });

      it('no such hold: HOLD_NOT_FOUND', async () => {
        expect(await confirmable(2_000_000_000, admin)).toBe('HOLD_NOT_FOUND');
      });
    });

    describe('RELEASE_HOLD', () => {
      const release = async (id: number, actor: { id: number; role: Role }) => (await database.db.rows(RELEASE_HOLD, id, now, ...actingAs(actor, 'release-hold')))[0];

      it.each<[string, { status?: string; expiresAt?: Date }, 'owner' | 'stranger' | 'admin', string | null]>([
        ["someone else's hold", {}, 'stranger', 'NOT_HOLD_OWNER'],
        ['a confirmed hold', { status: 'confirmed' }, 'owner', 'HOLD_ALREADY_CONFIRMED'],
        ['a released hold (nothing to do)', { status: 'released' }, 'owner', null],
        ['an expired hold (nothing to do)', { status: 'expired', expiresAt: earlier }, 'owner', null],
      ])('%s: nothing changes', async (_case, world, who, refusal) => {
        const { id } = await hold(world);
        const before = await holdState(id);
        expect(await release(id, { owner, stranger, admin }[who])).toEqual({ refusal, ended: null, show_id: null, seats: null });
        expect(await holdState(id)).toEqual(before);
      });

      it('no such hold: HOLD_NOT_FOUND', async () => {
        expect(await release(2_000_000_000, admin)).toMatchObject({ refusal: 'HOLD_NOT_FOUND', ended: null });
      });

      it.each(['owner', 'admin'] as const)('an active hold, by the %s: released now, its seats freed', async (who) => {
        const { show, id } = await hold();
        expect(await release(id, { owner, admin }[who])).toEqual({ refusal: null, ended: 'released', show_id: show, seats: [1, 2] });
        expect(await holdState(id)).toEqual({ hold: { status: 'released', ended_at: now }, seats: [] });
      });

      it('an active hold past its expiry: ended as expired, when it expired', async () => {
        const { show, id } = await hold({ expiresAt: earlier });
        expect(await release(id, owner)).toEqual({ refusal: null, ended: 'expired', show_id: show, seats: [1, 2] });
        expect(await holdState(id)).toEqual({ hold: { status: 'expired', ended_at: earlier }, seats: [] });
      });
    });

    it('lock 1 is one key for a (customer, show), whether a booking, a hold or a confirm takes it', async () => {
      const { show, id } = await hold();
      const advisoryLocks = (tx: Queryable) => tx.rows(MY_ADVISORY_LOCKS);
      const byHolder = await database.db.transaction(async (tx) => {
        await tx.rows(LOCK_HOLDER_SHOW, id);
        return advisoryLocks(tx);
      });
      const byCustomer = await database.db.transaction(async (tx) => {
        await tx.rows(LOCK_CUSTOMER_SHOWS, [owner.id], [show]);
        return advisoryLocks(tx);
      });
      expect(byHolder).toEqual([{ classid: owner.id, objid: show, objsubid: 2 }]);
      expect(byCustomer).toEqual(byHolder);
      expect(await database.db.transaction((tx) => tx.rows(LOCK_HOLDER_SHOW, 2_000_000_000).then(() => advisoryLocks(tx)))).toEqual([]);
    });
  });
});
