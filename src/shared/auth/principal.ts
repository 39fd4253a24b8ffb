import type { Role } from './role.enum';

/**
 * Who is calling, as set on `request.principal` by the authentication guard. An API key acts
 * as its owning user (`userId`, `roles`) but is scoped by the grants that name the key itself.
 */
export interface Principal {
  type: 'user' | 'apiKey';
  /** The user id, or the API key id. */
  id: string;
  /** The user, or the API key's owner. */
  userId: string;
  /** The username, or the API key's name. */
  name: string;
  roles: Role[];
  /**
   * For a user's access token: the session generation it was issued in, so work the token
   * started (a long download, an event stream) can end when the sessions are ended.
   */
  sessionGeneration?: number;
}
