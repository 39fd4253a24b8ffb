import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthService } from '../health/health.service';

/** Something that holds work in flight a shutdown should let finish (the relay's calls). */
export interface DrainParticipant {
  inFlight(): number;
  /** The grace period is over: end what is left, each with a clear error for its caller. */
  endRemaining(): void;
}

export interface DrainOutcome {
  /** Work still in flight at the deadline, ended by `endRemaining`. */
  ended: number;
}

const POLL_MS = 25;

/**
 * The first phase of a graceful shutdown, before Nest's hooks close anything: from the
 * signal on, the process reports not ready and participants refuse new work, while what is
 * in flight finishes up to SHUTDOWN_TIMEOUT_MS. The server keeps listening meanwhile, so a
 * new call is answered with a clear 503 rather than a refused connection.
 */
@Injectable()
export class ShutdownDrain implements OnModuleInit {
  private readonly participants: DrainParticipant[] = [];
  private started = false;

  constructor(private readonly health: HealthService) {}

  onModuleInit(): void {
    this.health.register({
      name: 'shutdown',
      check: () => {
        if (this.started) return Promise.reject(new Error('shutting down: draining calls'));
        return Promise.resolve();
      },
    });
  }

  /** True from the shutdown signal on: take no new work. */
  get draining(): boolean {
    return this.started;
  }

  register(participant: DrainParticipant): void {
    this.participants.push(participant);
  }

  /** Waits for in-flight work to finish for up to `timeoutMs`, then ends the rest. */
  async drain(timeoutMs: number): Promise<DrainOutcome> {
    this.started = true;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
    }
    const ended = this.inFlight();
    if (ended > 0) for (const participant of this.participants) participant.endRemaining();
    return { ended };
  }

  private inFlight(): number {
    return this.participants.reduce((sum, participant) => sum + participant.inFlight(), 0);
  }
}
