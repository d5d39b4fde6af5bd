import { ExecutionContext } from '@nestjs/common';
import { AuthUser } from '../../common/decorators/auth.decorators';
import { ValidationFailedError } from '../../common/errors/app-error';
import { BookingError } from '../bookings.errors';
import { BookingsService } from '../bookings.service';
import { BookingOwnerGuard } from './booking-owner.guard';

const OWNER: AuthUser = { id: 7, username: 'owner', role: 'customer' };
const STRANGER: AuthUser = { id: 8, username: 'stranger', role: 'customer' };
const ADMIN: AuthUser = { id: 1, username: 'admin', role: 'admin' };

const contextFor = (id: string, user: AuthUser) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ params: { id }, user }) }) }) as unknown as ExecutionContext;

describe('BookingOwnerGuard', () => {
  let ownerOf: jest.Mock<Promise<number | undefined>, [number]>;
  let sut: BookingOwnerGuard;

  beforeEach(() => {
    // Booking 42 belongs to OWNER; no other booking exists.
    ownerOf = jest.fn(async (id: number) => (id === 42 ? OWNER.id : undefined));
    sut = new BookingOwnerGuard({ ownerOf } as unknown as BookingsService);
  });

  it('lets the owner through, looking the booking up by its numeric id', async () => {
    await expect(sut.canActivate(contextFor('42', OWNER))).resolves.toBe(true);
    expect(ownerOf).toHaveBeenCalledWith(42);
  });

  it("lets an admin through for someone else's booking", async () => {
    await expect(sut.canActivate(contextFor('42', ADMIN))).resolves.toBe(true);
  });

  it('refuses another customer with 403 NOT_BOOKING_OWNER', async () => {
    const failure = sut.canActivate(contextFor('42', STRANGER));
    await expect(failure).rejects.toBeInstanceOf(BookingError);
    await expect(failure).rejects.toMatchObject({ status: 403, code: 'NOT_BOOKING_OWNER' });
  });

  it('answers 404 BOOKING_NOT_FOUND for an unknown booking, to the owner-to-be and to an admin alike', async () => {
    await expect(sut.canActivate(contextFor('43', OWNER))).rejects.toMatchObject({ status: 404, code: 'BOOKING_NOT_FOUND' });
    await expect(sut.canActivate(contextFor('43', ADMIN))).rejects.toMatchObject({ status: 404, code: 'BOOKING_NOT_FOUND' });
    expect(ownerOf).toHaveBeenCalledWith(43);
  });

  it.each(['abc', '', '0', '-1', '1.5', '1e3', ' 42', '042', '2147483648', '99999999999'])(
    'rejects the id %p with 400 VALIDATION_FAILED without asking the database',
    async (id) => {
      const failure = sut.canActivate(contextFor(id, OWNER));
      await expect(failure).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(failure).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(ownerOf).not.toHaveBeenCalled();
    },
  );

  it('accepts the largest integer id', async () => {
    await expect(sut.canActivate(contextFor('2147483647', OWNER))).rejects.toMatchObject({ code: 'BOOKING_NOT_FOUND' });
    expect(ownerOf).toHaveBeenCalledWith(2147483647);
  });
});
