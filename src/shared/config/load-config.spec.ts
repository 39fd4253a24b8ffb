import { IsInt, IsOptional, Matches } from 'class-validator';
import { ConfigValidationError } from './config-validation.error';
import { EnvBool, EnvInt, EnvList, parseDurationSeconds } from './env-transforms';
import { loadConfig } from './load-config';

class SampleConfig {
  @EnvInt()
  @IsInt()
  COUNT = 3;

  @EnvBool()
  @IsOptional()
  FLAG?: boolean;

  @EnvList()
  @IsOptional()
  @Matches(/^[a-z]+$/, { each: true })
  NAMES?: string[];

  @IsOptional()
  @Matches(/^postgres:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts typed values', () => {
    const config = loadConfig(SampleConfig, { FLAG: 'off', NAMES: 'a, bc ,,d', UNRELATED: 'x' });
    expect(config.COUNT).toBe(3);
    expect(config.FLAG).toBe(false);
    expect(config.NAMES).toEqual(['a', 'bc', 'd']);
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig(SampleConfig, { COUNT: '' }).COUNT).toBe(3);
  });

  it('names every bad variable at once and never echoes a value', () => {
    const attempt = () =>
      loadConfig(SampleConfig, {
        COUNT: 'many',
        FLAG: 'perhaps',
        DATABASE_URL: 'mysql://root:hunter2@db/x',
      });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const { message, problems } = error as ConfigValidationError;
      expect(problems).toHaveLength(2);
      expect(message).toContain('COUNT');
      expect(message).toContain('DATABASE_URL');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['45s', 45],
    ['15m', 900],
    [' 2h ', 7200],
    ['7d', 604800],
    ['15M', 900],
  ])('reads %p as %p seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '1.5m', '-3', '10w', 'soon'])('leaves %p unparsed', (text) => {
    expect(parseDurationSeconds(text)).toBe(text);
  });
});
