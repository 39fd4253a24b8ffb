import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigValidationError } from './config-validation.error';

export type RawEnv = Record<string, string | undefined>;

interface Finalizable {
  /** Cross-field checks and derived defaults; returns further problems. */
  finalize?(): string[];
}

/**
 * Builds a typed config from raw environment values, collecting every problem at once.
 * Messages name the variable and the rule it breaks; values never appear, as they may be secrets.
 */
export function loadConfig<T extends object>(configClass: ClassConstructor<T>, raw: RawEnv): T {
  // An empty value (`NAME=` in a .env file) means "unset": the default applies.
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const config = plainToInstance(configClass, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  const problems = errors.flatMap(describe);
  if (problems.length === 0) problems.push(...((config as Finalizable).finalize?.() ?? []));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

function describe(error: ValidationError): string[] {
  const rules = Object.values(error.constraints ?? {});
  return rules;
}
