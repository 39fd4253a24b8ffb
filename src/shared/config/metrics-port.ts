import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** `off` (any case) stays `off`; digits become a number; anything else stays invalid. */
export function EnvMetricsPort(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (text === 'off') return 'off';
    return /^\d+$/.test(text) ? Number(text) : value;
  });
}

export function IsMetricsPort(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMetricsPort',
      validator: {
        validate: (value: unknown) =>
          value === 'off' ||
          (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535),
        defaultMessage: () => 'METRICS_PORT must be a port number (0-65535) or off',
      },
    },
    options,
  );
}
