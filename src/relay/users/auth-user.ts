import type { Role } from '../../shared/auth/role.enum';

/** The facts authentication needs about a user on every request (cached briefly). */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  enabled: boolean;
  tokenGeneration: number;
}
