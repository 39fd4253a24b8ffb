import { Transform } from 'class-transformer';

/**
 * Query strings carry text: `true`/`false` become booleans, anything else stays as sent so
 * `@IsBoolean()` refuses it (rather than Boolean('no') silently becoming true).
 */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    return value;
  });
}
