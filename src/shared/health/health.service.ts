import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '../errors/error-code';
import type { ReadinessCheck } from './readiness-check';

/** One dependency's state: a failing one says why, and with which code when it has one. */
export interface CheckResult {
  ok: boolean;
  code?: string;
  reason?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  private readonly checks: ReadinessCheck[] = [];

  constructor(dataSource: DataSource) {
    this.register({
      name: 'database',
      code: ErrorCode.DatabaseUnavailable,
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

async function runCheck(check: ReadinessCheck): Promise<[string, CheckResult]> {
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
    return [check.name, { ok: false, code: check.code, reason: (error as Error).message }];
  } finally {
    clearTimeout(timer);
  }
}
