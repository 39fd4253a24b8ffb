import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (unknown field, bad type) or another request problem',
  401: 'UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, TOKEN_REVOKED, INVALID_API_KEY or ACCOUNT_DISABLED',
  403: 'FORBIDDEN: the caller lacks the role, or USER_SESSION_REQUIRED',
  404: 'The resource does not exist (or is not yours)',
  409: 'CONFLICT with the current state (e.g. a name already taken)',
  429: 'Too many attempts: retry after the Retry-After header',
  503: 'DATABASE_UNAVAILABLE: the database cannot be reached; retry after the Retry-After header',
};

/** Documents error answers with the shared error body; codes narrow the descriptions. */
export function ApiErrorResponses(
  ...statuses: Array<number | [number, string]>
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, DESCRIPTIONS[entry]];
      // Each status shows its own code in the example, not the DTO's generic 401.
      return ApiResponse({
        status,
        description,
        type: ErrorResponseDto,
        example: exampleFor(status),
      });
    }),
  );
}

const EXAMPLE_CODES: Record<number, [string, string]> = {
  400: ['VALIDATION_FAILED', 'name must be a string'],
  401: ['UNAUTHORIZED', 'Authentication required'],
  403: ['FORBIDDEN', 'This needs the admin role'],
  404: ['NOT_FOUND', 'Not found'],
  409: ['CONFLICT', 'That name is already taken'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests; retry later'],
  503: ['DATABASE_UNAVAILABLE', 'The database cannot be reached; retry later'],
};

function exampleFor(status: number): Record<string, unknown> {
  const [code, message] = EXAMPLE_CODES[status] ?? ['ERROR', 'Request failed'];
  return { statusCode: status, code, message, requestId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' };
}
