import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthUser } from '../../common/decorators/auth.decorators';
import { ParseIdPipe } from '../../common/pipes/parse-id.pipe';
import { BookingError } from '../bookings.errors';
import { BookingsService } from '../bookings.service';

/** Lets through the booking's owner and admins; 404 for an unknown booking, 403 for someone else's. */
@Injectable()
export class BookingOwnerGuard implements CanActivate {
  private readonly parseId = new ParseIdPipe();

  constructor(private readonly bookings: BookingsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>();
    const id = this.parseId.transform((request.params as Record<string, string>).id, { type: 'param', data: 'id' });
    const owner = await this.bookings.ownerOf(id);
    if (owner === undefined) throw new BookingError('BOOKING_NOT_FOUND');
    if (owner !== request.user.id && request.user.role !== 'admin') throw new BookingError('NOT_BOOKING_OWNER');
    return true;
  }
}
