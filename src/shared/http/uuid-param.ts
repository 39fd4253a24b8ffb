import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

/** A path parameter that must be a UUID; anything else is 400 VALIDATION_FAILED. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new AppException(ErrorCode.ValidationFailed, `${name} must be a UUID`, 400, [
          { field: name, problems: [`${name} must be a UUID`] },
        ]),
    }),
  );
}
