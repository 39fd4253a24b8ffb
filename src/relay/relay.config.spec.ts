import { ConfigValidationError } from '../shared/config/config-validation.error';
import { loadRelayConfig } from './relay.app';

function problemsOf(raw: Record<string, string>): string[] {
  try {
    loadRelayConfig(raw);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('RelayConfig', () => {
  it('has the documented defaults', () => {
    const config = loadRelayConfig({});
    expect(config).toMatchObject({
      APP_PROFILE: 'relay',
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
      PORT: 8080,
      DATA_DIR: './data/relay',
      MIGRATIONS_RUN: true,
      LOG_LEVEL: 'info',
      ADMIN_USERNAME: 'admin',
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      PORT: '70000',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      MIGRATIONS_RUN: 'maybe',
      SHUTDOWN_TIMEOUT_MS: '-1',
      ADMIN_USERNAME: 'A B',
      ADMIN_PASSWORD: 'short',
      REDIS_URL: 'http://x',
    }).join('\n');
    for (const name of [
      'PORT',
      'NODE_ENV',
      'LOG_LEVEL',
      'DATABASE_URL',
      'MIGRATIONS_RUN',
      'SHUTDOWN_TIMEOUT_MS',
      'ADMIN_USERNAME',
      'ADMIN_PASSWORD',
      'REDIS_URL',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('refuses a missing, example or short JWT_SECRET in production', () => {
    for (const secret of [undefined, 'change-me', 'short-secret']) {
      const raw: Record<string, string> = { NODE_ENV: 'production' };
      if (secret) raw.JWT_SECRET = secret;
      expect(problemsOf(raw).join()).toContain('JWT_SECRET');
    }
    const strong = 'a'.repeat(16) + 'B'.repeat(16) + '0123';
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: strong })).toEqual([]);
  });

  it('makes a throwaway JWT secret outside production', () => {
    const config = loadRelayConfig({});
    expect(config.jwtSecretGenerated).toBe(true);
    expect(config.JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
  });
});
