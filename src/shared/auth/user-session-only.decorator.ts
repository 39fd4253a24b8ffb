import { SetMetadata } from '@nestjs/common';

export const USER_SESSION_ONLY = 'intrabridge:userSessionOnly';

/**
 * Refuses API keys on a route: for actions that must come from a person who logged in
 * (changing a password, minting new API keys), so a leaked key cannot entrench itself.
 */
export const UserSessionOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(USER_SESSION_ONLY, true);
