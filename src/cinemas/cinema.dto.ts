import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';

@ApiSchema({ name: 'Cinema', description: "A cinema: its name and the IANA time zone of its days and clocks" })
export class CinemaResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'Roxy' }) name: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone: the web app shows and takes every time in it' }) time_zone: string;
}

/**
 * The cinema every show is at until shows are on screens of cinemas (API.md
 * Part 4): the one the service is configured for, CINEMA_NAME in
 * CINEMA_TIME_ZONE, with id 1.
 */
export const defaultCinema = (config: Pick<AppConfig, 'cinemaName' | 'cinemaTimeZone'>): CinemaResponse => ({
  id: 1,
  name: config.cinemaName,
  time_zone: config.cinemaTimeZone,
});
