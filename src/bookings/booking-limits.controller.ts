import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BookingLimitsResponse, bookingLimitsOf } from './dto/booking-limits.dto';

/** The seat limits, for clients that keep a customer within them before asking (the web app's seat selection). */
@ApiTags('bookings')
@Controller('booking-limits')
export class BookingLimitsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'How many seats one customer may ask for at once, hold and book, per show' })
  @ApiOkResponse({ type: BookingLimitsResponse, description: 'The limits as this server enforces them', headers: { 'Cache-Control': { description: 'public, max-age=300', schema: { type: 'string' } } } })
  // Configuration changes only with a restart: a browser may keep the answer for a few minutes.
  @Header('Cache-Control', 'public, max-age=300')
  limits(): BookingLimitsResponse {
    return bookingLimitsOf(this.config.booking);
  }
}
