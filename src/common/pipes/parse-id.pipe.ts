import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error';

const MAX_ID = 2_147_483_647;

/** Path ids are positive integers that fit PostgreSQL's integer; anything else is a 400, never a 500. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const field = metadata.data ?? 'id';
    if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw ValidationFailedError.field(field, `must be a positive integer no larger than ${MAX_ID}`);
    }
    return Number(value);
  }
}
