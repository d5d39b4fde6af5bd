import { RefreshToken } from '../auth/entities/refresh-token.entity';
import { Booking } from '../bookings/entities/booking.entity';
import { Movie } from '../movies/entities/movie.entity';
import { Seat } from '../shows/entities/seat.entity';
import { Show } from '../shows/entities/show.entity';
import { User } from '../users/entities/user.entity';

export const ENTITIES = [User, RefreshToken, Movie, Show, Seat, Booking];
