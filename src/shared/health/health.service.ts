import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReadinessCheck } from './readiness-check';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  private readonly checks: ReadinessCheck[] = [];

  constructor(dataSource: DataSource) {
    this.register({
      name: 'database',
      check: async () => {
        await dataSource.query('select 1');
      },
    });
  }

  /** Feature modules add their own dependencies here (e.g. the agent's tunnel). */
  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((check) => runCheck(check)));
    return {
      ready: results.every(([, result]) => result.ok),
      checks: Object.fromEntries(results),
    };
  }
}

async function runCheck(
  check: ReadinessCheck,
): Promise<[string, { ok: boolean; reason?: string }]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check.check(), timeout]);
    return [check.name, { ok: true }];
  } catch (error) {
    return [check.name, { ok: false, reason: (error as Error).message }];
  } finally {
    clearTimeout(timer);
  }
}
