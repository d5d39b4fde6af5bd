import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../common/errors/app-error';

function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      error.constraints?.whitelistValidation ? { field, message: `${field} is not an accepted field` } : { field, message },
    );
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Nest's pipe turns number-typed path parameters into numbers before any
 * parameter pipe runs, so "0x10" would reach ParseIdPipe as 16: path
 * parameters stay the strings they arrived as.
 */
class StrictValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/** Strict: no unknown fields, no silent type coercion ("1", 1.5 and true are not seat numbers). */
export function validationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new ValidationFailedError(fieldErrors(errors)),
  });
}
