import type { Request } from 'express';
import type { Principal } from './principal';

/** An HTTP request after the authentication guard ran (unset on public routes). */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}
