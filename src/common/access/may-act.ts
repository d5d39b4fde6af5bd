import type { Role } from '../decorators/auth.decorators';

/**
 * Who may act on what belongs to someone else: the one place "owner or admin"
 * is decided. Each act names the roles that may do it for anyone; everyone
 * else may do it only to what is their own. A new act (paying an order, a
 * ticket's check-in) is a line here, and so is a new role (check-in staff:
 * `'check-in': ['admin', 'staff']`, and nothing else it may do for others).
 */
const FOR_ANYONE = {
  'cancel-booking': ['admin'],
  'confirm-hold': ['admin'],
  'release-hold': ['admin'],
  /** Paying is the order's owner's; admins read every order. */
  'pay-order': [],
  'read-order': ['admin'],
  /** A ticket's code is its entry: only its owner and admins see it (door staff scan it, they do not read it here). */
  'read-ticket': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Act = keyof typeof FOR_ANYONE;

export interface Actor<R extends string = Role> {
  id: number;
  role: R;
}

/** The rules of a table of acts → roles that may do them for anyone (the service's is FOR_ANYONE above). */
export function accessRules<A extends string, R extends string>(forAnyone: Record<A, readonly R[]>) {
  const actsForAnyone = (role: R, act: A): boolean => forAnyone[act].includes(role);
  return {
    actsForAnyone,
    /** The owner may; so may a role that does this act for anyone. */
    mayActOn: (actor: Actor<R>, ownerId: number, act: A): boolean => actor.id === ownerId || actsForAnyone(actor.role, act),
    /**
     * The same decision for a statement that decides on the row it locks (the
     * owner is known only there): its parameters, for `mayActSql`.
     */
    actingAs: (actor: Actor<R>, act: A): [actorId: number, forAnyone: boolean] => [actor.id, actsForAnyone(actor.role, act)],
  };
}

export const { actsForAnyone, mayActOn, actingAs } = accessRules<Act, Role>(FOR_ANYONE);

/**
 * `mayActOn` in SQL, for the row a statement has locked: `owner` is its owner
 * column, `actorId` and `forAnyone` the placeholders `actingAs` fills.
 */
export const mayActSql = (owner: string, actorId: string, forAnyone: string) => `(${owner} = ${actorId}::int OR ${forAnyone}::boolean)`;
