import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException } from './app.exception';
import { ErrorCode } from './error-code';

interface FieldProblem {
  field: string;
  problems: string[];
}

/** Global validation: unknown fields are refused, and failures carry a per-field list. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = errors.flatMap((error) => flatten(error, ''));
      const summary = details.map((d) => d.problems.join('; ')).join('; ');
      return new AppException(
        ErrorCode.ValidationFailed,
        summary || 'Validation failed',
        400,
        details,
      );
    },
  });
}

function flatten(error: ValidationError, prefix: string): FieldProblem[] {
  const field = prefix ? `${prefix}.${error.property}` : error.property;
  const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, field))];
}
