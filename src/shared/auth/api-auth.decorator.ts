import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrorResponses } from '../http/api-error-responses.decorator';

/** OpenAPI security scheme names, declared on the document in create-http-app. */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/**
 * Documents that a route takes a user access token or an API key (either one), and the
 * 401/403 answers every authenticated route can give, and 503 DATABASE_UNAVAILABLE: the
 * credential is looked up in the database.
 */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiErrorResponses(401, 403, 503),
  );
}
