import { Injectable } from '@nestjs/common';

/**
 * Whether an agent holds a live tunnel session, for the agent API. The tunnel module owns
 * the sessions and connects its lookup here at start-up: the agents module cannot import
 * the tunnel module, which already depends on it.
 */
@Injectable()
export class AgentPresence {
  private lookup: (agentId: string) => boolean = () => false;

  /** Called once by the tunnel module. */
  provide(lookup: (agentId: string) => boolean): void {
    this.lookup = lookup;
  }

  isOnline(agentId: string): boolean {
    return this.lookup(agentId);
  }
}
