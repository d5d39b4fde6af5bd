import { AuthError } from '../auth/auth.errors';
import { BookingError } from '../bookings/bookings.errors';
import { HoldError } from '../bookings/holds/holds.errors';
import { CinemaError } from '../cinemas/cinemas.errors';
import { CommonError } from '../common/errors/app-error';
import { apiProblemsFrom } from '../common/http/api-problem';
import { IdempotencyError } from '../idempotency/idempotency.errors';
import { JobError } from '../jobs/jobs.errors';
import { MovieError } from '../movies/movies.errors';
import { OrderError } from '../orders/orders.errors';
import { PasswordResetError } from '../password-reset/password-reset.errors';
import { PaymentError } from '../payments/payments.errors';
import { ScreenError } from '../screens/screens.errors';
import { ShowError } from '../shows/shows.errors';
import { TicketError } from '../tickets/tickets.errors';
import { UserError } from '../users/users.errors';

/**
 * Documents a route's problem+json answers by code, each under the status its
 * module's error table gives it: `@ApiProblems('VALIDATION_FAILED', 'SEAT_TAKEN')`.
 * Every module's error class is here, so any code a service can throw can be named.
 */
export const ApiProblems = apiProblemsFrom(AuthError, BookingError, CinemaError, CommonError, HoldError, IdempotencyError, JobError, MovieError, OrderError, PasswordResetError, PaymentError, ScreenError, ShowError, TicketError, UserError);
