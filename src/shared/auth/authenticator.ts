import type { PresentedCredential } from './presented-credential';
import type { Principal } from './principal';

/**
 * Turns a presented credential into a principal, or throws a 401 AppException. Each profile
 * provides its own (the relay: user JWTs and API keys), so the guard itself stays shared.
 */
export abstract class Authenticator {
  abstract authenticate(credential: PresentedCredential): Promise<Principal>;
}
