import { existsSync } from 'node:fs';
import type { RawEnv } from './load-config';

/**
 * The one place that reads `process.env`. Outside production a `.env` file in the working
 * directory is loaded first; variables already set in the environment win over it.
 */
export function readEnvironment(envFile = '.env'): RawEnv {
  if (process.env.NODE_ENV !== 'production' && existsSync(envFile)) {
    process.loadEnvFile(envFile);
  }
  return { ...process.env };
}
