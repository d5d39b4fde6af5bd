import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isTimeZone } from '../common/time-zone';

@ApiSchema({ name: 'Cinema', description: 'A cinema: its name and the IANA time zone of its days and clocks' })
export class CinemaResponse {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'Roxy' }) name: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone: the web app shows and takes every time in it' }) time_zone: string;
}

@ValidatorConstraint({ name: 'timeZone' })
class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isTimeZone(value);
  }
  defaultMessage(): string {
    return 'time_zone must be an IANA time zone, such as Europe/Berlin';
  }
}

@ApiSchema({ name: 'CreateCinema' })
export class CreateCinemaDto {
  @ApiProperty({ example: 'Roxy', minLength: 1, maxLength: 100 })
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsString()
  name: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone' })
  @Validate(IsTimeZone)
  @IsString()
  time_zone: string;
}

@ApiSchema({ name: 'UpdateCinema' })
export class UpdateCinemaDto {
  @ApiPropertyOptional({ example: 'Roxy', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsString()
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone' })
  @IsOptional()
  @Validate(IsTimeZone)
  @IsString()
  time_zone?: string;
}
