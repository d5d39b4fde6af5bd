import { RefreshToken } from './auth/entities/refresh-token.entity';
import { Cinema } from './cinemas/entities/cinema.entity';
import { Screen } from './screens/entities/screen.entity';
import { ScreenSeat } from './screens/entities/screen-seat.entity';
import { Booking } from './bookings/entities/booking.entity';
import { Hold } from './bookings/holds/entities/hold.entity';
import { IdempotencyKey } from './idempotency/entities/idempotency-key.entity';
import { PasswordResetToken } from './password-reset/entities/password-reset-token.entity';
import { Movie } from './movies/entities/movie.entity';
import { Order } from './orders/entities/order.entity';
import { PaymentEvent } from './orders/entities/payment-event.entity';
import { Refund } from './orders/entities/refund.entity';
import { Seat } from './shows/entities/seat.entity';
import { Show } from './shows/entities/show.entity';
import { User } from './users/entities/user.entity';

/**
 * Every table, as the migrations make it (test/schema/drift.e2e-spec.ts keeps the two in step).
 * Here, beside the app module, because each entity is its feature's: the database layer is handed the list.
 */
export const ENTITIES = [User, RefreshToken, Movie, Cinema, Screen, ScreenSeat, Show, Seat, Booking, Hold, IdempotencyKey, PasswordResetToken, Order, Refund, PaymentEvent];
