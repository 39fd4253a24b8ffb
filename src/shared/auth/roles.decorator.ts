import { SetMetadata } from '@nestjs/common';
import type { Role } from './role.enum';

export const ROLES = 'intrabridge:roles';

/**
 * Restricts a route or controller to principals holding at least one of `roles` (admins
 * always pass). A method's own `@Roles` replaces its controller's.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES, roles);
