import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentConfig } from '../src/agent/agent.config';
import { RelayConfig } from '../src/relay/relay.config';

const ROOT = join(__dirname, '..');

/** Every variable a config class reads: its validated properties and its defaults. */
function variablesOf(configClass: typeof RelayConfig | typeof AgentConfig): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(configClass, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...validated, ...Object.keys(new configClass())])].filter((name) =>
    /^[A-Z][A-Z0-9_]*$/.test(name),
  );
}

/** `NAME=` lines of .env.example, commented out or not. */
function envExampleVariables(): string[] {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
}

/** The names in the first column of the README's configuration table. */
function readmeTableVariables(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## '));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

describe('configuration reference', () => {
  const variables = [...new Set([...variablesOf(RelayConfig), ...variablesOf(AgentConfig)])].sort();

  it('reads the variables the classes declare (a sanity check of the reader)', () => {
    expect(variables).toEqual(
      expect.arrayContaining(['APP_PROFILE', 'TLS_CERT_FILE', 'TRUSTED_PROXIES', 'AGENT_SECRET']),
    );
  });

  it('.env.example lists every variable, and none the code does not read', () => {
    const listed = envExampleVariables();
    expect(variables.filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((name) => !variables.includes(name))).toEqual([]);
  });

  it("the README's configuration table lists every variable, and none the code does not read", () => {
    const listed = readmeTableVariables();
    expect(variables.filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((name) => !variables.includes(name))).toEqual([]);
  });
});
