import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../errors/app.exception';
import type { Principal } from './principal';
import { Public } from './public.decorator';
import { Role } from './role.enum';
import { Roles } from './roles.decorator';
import { hasAnyRole, RolesGuard } from './roles.guard';
import { UserSessionOnly } from './user-session-only.decorator';

const user = (roles: Role[], type: Principal['type'] = 'user'): Principal => ({
  type,
  id: 'p1',
  userId: 'u1',
  name: 'someone',
  roles,
});

@Roles(Role.Operator)
class SampleController {
  inherited(): void {}
  @Roles(Role.Auditor)
  overridden(): void {}
  @UserSessionOnly()
  userOnly(): void {}
  @Public()
  open(): void {}
}

function contextFor(handler: keyof SampleController, principal?: Principal): ExecutionContext {
  return {
    getType: () => 'http',
    // The handler is only a metadata key here; it is never called.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    getHandler: () => SampleController.prototype[handler],
    getClass: () => SampleController,
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  } as unknown as ExecutionContext;
}

function outcome(handler: keyof SampleController, principal?: Principal): string | boolean {
  try {
    return new RolesGuard(new Reflector()).canActivate(contextFor(handler, principal));
  } catch (error) {
    return (error as AppException).code;
  }
}

describe('RolesGuard', () => {
  it("applies the controller's roles, or the method's own instead", () => {
    expect(outcome('inherited', user([Role.Operator]))).toBe(true);
    expect(outcome('inherited', user([Role.Auditor]))).toBe('FORBIDDEN');
    expect(outcome('overridden', user([Role.Auditor]))).toBe(true);
    expect(outcome('overridden', user([Role.Operator]))).toBe('FORBIDDEN');
  });

  it('lets admins through every role check', () => {
    expect(outcome('inherited', user([Role.Admin]))).toBe(true);
    expect(outcome('overridden', user([Role.Admin]))).toBe(true);
  });

  it('refuses API keys on user-session-only routes, even an admin’s', () => {
    expect(outcome('userOnly', user([Role.Admin], 'apiKey'))).toBe('USER_SESSION_REQUIRED');
    expect(outcome('userOnly', user([Role.Operator]))).toBe(true);
  });

  it('fails closed without a principal, except on public routes', () => {
    expect(outcome('inherited')).toBe('UNAUTHORIZED');
    expect(outcome('open')).toBe(true);
  });

  it('hasAnyRole treats no requirement as open', () => {
    expect(hasAnyRole(user([]), undefined)).toBe(true);
    expect(hasAnyRole(user([]), [])).toBe(true);
    expect(hasAnyRole(user([]), [Role.Client])).toBe(false);
  });
});
