import { ConfigValidationError } from '../shared/config/config-validation.error';
import { loadAgentConfig } from './agent.app';

describe('AgentConfig', () => {
  it('keeps the admin API on loopback by default', () => {
    expect(loadAgentConfig({})).toMatchObject({
      APP_PROFILE: 'agent',
      HOST: '127.0.0.1',
      PORT: 8081,
      DATA_DIR: './data/agent',
    });
  });

  it('binds the admin API to AGENT_HOST when set', () => {
    expect(loadAgentConfig({ AGENT_HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadAgentConfig({ HOST: '10.0.0.5' }).HOST).toBe('10.0.0.5');
    expect(loadAgentConfig({ HOST: '10.0.0.5', AGENT_HOST: '::1' }).HOST).toBe('::1');
  });

  it('has data-log defaults and refuses out-of-range values', () => {
    expect(loadAgentConfig({})).toMatchObject({
      DATA_LOG_RETENTION_DAYS: 3,
      DATA_LOG_MAX_ROWS: 10_000_000,
      DATA_LOG_FLUSH_INTERVAL_MS: 1000,
    });
    expect(() => loadAgentConfig({ DATA_LOG_RETENTION_DAYS: '0' })).toThrow(
      /DATA_LOG_RETENTION_DAYS/,
    );
  });

  it('names each bad variable', () => {
    const attempt = () =>
      loadAgentConfig({ RELAY_URL: 'ftp://relay', PORT: 'x', APP_PROFILE: 'relay' });
    expect(attempt).toThrow(ConfigValidationError);
    expect(attempt).toThrow(/RELAY_URL[\s\S]*|PORT/);
    try {
      attempt();
    } catch (error) {
      const text = (error as ConfigValidationError).problems.join('\n');
      expect(text).toContain('RELAY_URL');
      expect(text).toContain('PORT');
      expect(text).toContain('APP_PROFILE');
    }
  });

  it('requires a strong admin token in production', () => {
    expect(() => loadAgentConfig({ NODE_ENV: 'production' })).toThrow(/AGENT_ADMIN_TOKEN/);
    expect(
      loadAgentConfig({ NODE_ENV: 'production', AGENT_ADMIN_TOKEN: 'x'.repeat(40) }),
    ).toBeTruthy();
  });

  it('names a weak admin token together with a bad field', () => {
    try {
      loadAgentConfig({ NODE_ENV: 'production', AGENT_ADMIN_TOKEN: 'short', PORT: 'x' });
      throw new Error('accepted');
    } catch (error) {
      const text = (error as ConfigValidationError).problems.join('\n');
      expect(text).toContain('PORT');
      expect(text).toContain('AGENT_ADMIN_TOKEN');
    }
  });
});
