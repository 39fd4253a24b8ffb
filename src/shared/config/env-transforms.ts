import { Transform } from 'class-transformer';

/** Environment values are strings; these turn them into typed values or leave them invalid. */

export function EnvInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  });
}

export function EnvBool(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'boolean') return value;
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return value;
  });
}

export function EnvList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  });
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Whole seconds from `900`, `900s`, `15m`, `12h` or `7d`; anything else stays invalid. */
export function parseDurationSeconds(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim().toLowerCase());
  if (!match) return value;
  return Number(match[1]) * DURATION_UNITS[match[2] || 's'];
}

export function EnvDuration(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => parseDurationSeconds(value));
}
