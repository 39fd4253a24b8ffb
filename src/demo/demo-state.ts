import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a re-run needs to reuse the data folder: credentials created on the first run. */
export interface DemoState {
  adminPassword: string;
  agentAdminToken: string;
  clientPassword: string;
  agentId?: string;
  agentSecret?: string;
  apiKey?: string;
}

export function loadDemoState(dir: string): DemoState {
  const file = join(dir, 'demo-state.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
  return {
    adminPassword: `admin-${randomBytes(9).toString('base64url')}`,
    agentAdminToken: randomBytes(24).toString('base64url'),
    clientPassword: `client-${randomBytes(9).toString('base64url')}`,
  };
}

export function saveDemoState(dir: string, state: DemoState): void {
  writeFileSync(join(dir, 'demo-state.json'), JSON.stringify(state, null, 2), { mode: 0o600 });
}
