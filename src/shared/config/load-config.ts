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
  // Cross-field checks run even when a field failed, so every bad variable is named at once
  // (a short JWT_SECRET and a bad PORT: both). A cross-field problem about a variable that
  // already failed its own rule would only repeat it, so it is dropped.
  const invalid = new Set(errors.map((error) => error.property));
  const crossField = (config as Finalizable).finalize?.() ?? [];
  problems.push(...crossField.filter((problem) => !namesAny(problem, invalid)));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

function describe(error: ValidationError): string[] {
  const rules = Object.values(error.constraints ?? {});
  return rules;
}

function namesAny(problem: string, variables: Set<string>): boolean {
  return (problem.match(/\b[A-Z][A-Z0-9_]+\b/g) ?? []).some((name) => variables.has(name));
}
