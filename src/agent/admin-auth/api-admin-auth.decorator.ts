import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';

/** The agent document's only security scheme: the admin API's bearer token. */
export const ADMIN_TOKEN_SCHEME = 'admin-token';

export const ADMIN_TOKEN_SECURITY: Record<string, SecuritySchemeObject> = {
  [ADMIN_TOKEN_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description: 'The agent admin token (AGENT_ADMIN_TOKEN)',
  },
};

/** Documents that a route takes the admin token, and what the admin token guard answers. */
export function ApiAdminAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(ADMIN_TOKEN_SCHEME),
    ApiErrorResponses(
      [401, 'UNAUTHORIZED: missing or wrong admin token'],
      [503, 'ADMIN_TOKEN_NOT_CONFIGURED (AGENT_ADMIN_TOKEN is not set) or DATABASE_UNAVAILABLE'],
    ),
  );
}
