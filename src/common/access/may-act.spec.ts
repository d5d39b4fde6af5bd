import { AuthUser } from '../decorators/auth.decorators';
import { accessRules, Act, actingAs, actsForAnyone, mayActOn } from './may-act';

const OWNER = 7;
const customer: AuthUser = { id: OWNER, username: 'owner', role: 'customer' };
const stranger: AuthUser = { id: 8, username: 'stranger', role: 'customer' };
const admin: AuthUser = { id: 1, username: 'admin', role: 'admin' };
const ACTS: Act[] = ['cancel-booking', 'confirm-hold', 'release-hold', 'read-ticket'];

describe('mayActOn: who may act on what belongs to someone', () => {
  it.each<[string, AuthUser, boolean]>([
    ['a customer, on their own', customer, true],
    ["a customer, on someone else's", stranger, false],
    ["an admin, on someone else's", admin, true],
    ['an admin, on their own', { ...admin, id: OWNER }, true],
  ])('%s: %p for every act', (_case, actor, allowed) => {
    for (const act of ACTS) expect({ act, allowed: mayActOn(actor, OWNER, act) }).toEqual({ act, allowed });
  });

  it('hands a statement the same decision as parameters: the actor, and whether they act for anyone', () => {
    expect(actingAs(customer, 'cancel-booking')).toEqual([OWNER, false]);
    expect(actingAs(admin, 'release-hold')).toEqual([1, true]);
    for (const act of ACTS) expect([actsForAnyone('customer', act), actsForAnyone('admin', act)]).toEqual([false, true]);
  });

  it("gives staff nothing of anyone else's: they check tickets in by their code, never read them", () => {
    const staff: AuthUser = { id: 3, username: 'door', role: 'staff' };
    for (const act of ACTS) expect({ act, others: mayActOn(staff, OWNER, act), own: mayActOn({ ...staff, id: OWNER }, OWNER, act) }).toEqual({ act, others: false, own: true });
  });

  describe('extended with a role that acts for anyone in one act only (check-in staff)', () => {
    type Role = 'customer' | 'admin' | 'staff';
    const rules = accessRules<'cancel-booking' | 'check-in' | 'pay-order', Role>({
      'cancel-booking': ['admin'],
      'check-in': ['admin', 'staff'],
      'pay-order': ['admin'],
    });
    const staff = { id: 3, role: 'staff' as const };

    it.each<[string, { id: number; role: Role }, 'cancel-booking' | 'check-in' | 'pay-order', { mayAct: boolean; forAnyone: boolean }]>([
      ["staff check in someone else's ticket", staff, 'check-in', { mayAct: true, forAnyone: true }],
      ["staff may not cancel someone else's booking", staff, 'cancel-booking', { mayAct: false, forAnyone: false }],
      ['staff cancel their own booking', { ...staff, id: OWNER }, 'cancel-booking', { mayAct: true, forAnyone: false }],
      ["a customer may not check in someone else's ticket", { id: 8, role: 'customer' }, 'check-in', { mayAct: false, forAnyone: false }],
      ['a customer pays their own order', { id: OWNER, role: 'customer' }, 'pay-order', { mayAct: true, forAnyone: false }],
      ["an admin pays someone else's order", { id: 1, role: 'admin' }, 'pay-order', { mayAct: true, forAnyone: true }],
    ])('%s', (_case, actor, act, expected) => {
      expect({ mayAct: rules.mayActOn(actor, OWNER, act), forAnyone: rules.actsForAnyone(actor.role, act) }).toEqual(expected);
      expect(rules.actingAs(actor, act)).toEqual([actor.id, expected.forAnyone]);
    });
  });
});
