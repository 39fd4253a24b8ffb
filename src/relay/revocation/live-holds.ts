import { Injectable } from '@nestjs/common';
import type { Principal } from '../../shared/auth/principal';
import type { Role } from '../../shared/auth/role.enum';

/** A proxied call: its grant must keep allowing this operation on this datasource. */
export interface ProxyCallHold {
  kind: 'proxy_call';
  principal: Principal;
  requestId: string;
  agentId: string;
  datasource: string;
  operation: string;
  /** Ends the call at once (the tunnel stream is reset, the caller's answer cut). */
  end(message: string): void;
}

/** A long-lived admin response (an event stream): the principal must keep one of `roles`. */
export interface AdminStreamHold {
  kind: 'admin_stream';
  principal: Principal;
  requestId?: string;
  roles: readonly Role[];
  end(message: string): void;
}

export type LiveHold = ProxyCallHold | AdminStreamHold;

/**
 * What principals hold open on this relay right now: proxied calls in flight and long-lived
 * admin streams. PrincipalRevocation re-checks them and ends those whose principal lost the
 * access that let them start.
 */
@Injectable()
export class LiveHolds {
  private readonly holds = new Set<LiveHold>();

  add(hold: LiveHold): void {
    this.holds.add(hold);
  }

  /** Idempotent: a hold ends once, whichever side ends it first. */
  release(hold: LiveHold): void {
    this.holds.delete(hold);
  }

  has(hold: LiveHold): boolean {
    return this.holds.has(hold);
  }

  snapshot(): LiveHold[] {
    return [...this.holds];
  }

  get size(): number {
    return this.holds.size;
  }
}
