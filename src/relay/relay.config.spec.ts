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

  it('names a weak JWT_SECRET together with a bad field, and a TLS half-pair too', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: 'short-secret',
      PORT: 'eighty',
      TLS_CERT_FILE: '/etc/cert.pem',
    });
    const text = problems.join('\n');
    for (const name of ['PORT', 'JWT_SECRET', 'TLS_CERT_FILE']) expect(text).toContain(name);
    expect(text).not.toContain('short-secret');
  });

  it('does not repeat a bad field through a cross-field check', () => {
    const problems = problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '999999999' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('HTTP_HEADERS_TIMEOUT_MS');
  });

  it('makes a throwaway JWT secret outside production', () => {
    const config = loadRelayConfig({});
    expect(config.jwtSecretGenerated).toBe(true);
    expect(config.JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
  });
});

describe('RelayConfig identity settings', () => {
  it('has the documented defaults', () => {
    expect(loadRelayConfig({})).toMatchObject({
      JWT_ACCESS_TTL: 900,
      REFRESH_TOKEN_TTL: 604_800,
      AGENT_TOKEN_TTL: 900,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_MAX_FAILURES_PER_IP: 50,
      LOGIN_FAILURE_WINDOW: 900,
      LOGIN_LOCKOUT: 900,
      LOGIN_FAILURE_DELAY_MS: 250,
    });
  });

  it('reads durations in seconds or with a unit', () => {
    const config = loadRelayConfig({ JWT_ACCESS_TTL: '2', REFRESH_TOKEN_TTL: '30d' });
    expect(config.JWT_ACCESS_TTL).toBe(2);
    expect(config.REFRESH_TOKEN_TTL).toBe(30 * 86_400);
  });

  it('names bad identity settings', () => {
    const problems = problemsOf({
      JWT_ACCESS_TTL: 'soon',
      AGENT_TOKEN_TTL: '0',
      LOGIN_MAX_FAILURES: '0',
      LOGIN_FAILURE_DELAY_MS: '-5',
    }).join('\n');
    for (const name of [
      'JWT_ACCESS_TTL',
      'AGENT_TOKEN_TTL',
      'LOGIN_MAX_FAILURES',
      'LOGIN_FAILURE_DELAY_MS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('refuses an ADMIN_PASSWORD equal to ADMIN_USERNAME', () => {
    expect(problemsOf({ ADMIN_USERNAME: 'rootadmin123', ADMIN_PASSWORD: 'RootAdmin123' })).toEqual([
      'ADMIN_PASSWORD must not equal ADMIN_USERNAME',
    ]);
  });

  it('has slow-client deadlines suited to a gateway, and keeps them consistent', () => {
    expect(loadRelayConfig({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 15_000,
      HTTP_REQUEST_TIMEOUT_MS: 0,
      HTTP_CONNECTIONS_CHECK_MS: 2_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 10_000,
      TUNNEL_MAX_FRAMES_PER_S: 50_000,
      TUNNEL_MAX_CONTROL_FRAMES_PER_S: 20,
    });
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_CONNECTIONS_CHECK_MS: '0' })).toEqual([
      expect.stringContaining('HTTP_HEADERS_TIMEOUT_MS'),
      expect.stringContaining('HTTP_CONNECTIONS_CHECK_MS'),
    ]);
    expect(
      problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '5000' }),
    ).toEqual(['HTTP_REQUEST_TIMEOUT_MS must be 0 or at least HTTP_HEADERS_TIMEOUT_MS']);
  });
});
