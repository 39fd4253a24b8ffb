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
