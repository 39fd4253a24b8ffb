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
});
