/** Replaces a secret's value in audit details. */
export const REDACTED = '[redacted]';

const MAX_DEPTH = 8;
const MAX_STRING = 2_000;
const MAX_ARRAY = 200;

/**
 * Field names whose values are secrets or their hashes: passwords, agent secrets, tokens of
 * any kind, API keys and credential headers. `apiKeyId`, `keyPrefix` and the like are ids,
 * not secrets, and are kept.
 */
export function isSecretField(name: string): boolean {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const harmless = ['id', 'ids', 'prefix', 'generation', 'changedat', 'expiresat', 'expiresin'];
  if (harmless.some((suffix) => key.endsWith(suffix))) return false;
  return (
    key.includes('password') ||
    key.includes('secret') ||
    key.includes('token') ||
    key.includes('authorization') ||
    key.includes('cookie') ||
    key.endsWith('hash') ||
    key === 'key' ||
    key.endsWith('apikey') ||
    key === 'injectheaders'
  );
}

/**
 * A JSON-safe copy of `value` with secret fields replaced, bounded in depth and size, and
 * without characters PostgreSQL's jsonb refuses (NUL). Dates become ISO strings.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string') {
    const clean = cleanText(value);
    return clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ARRAY).map((item) => redactSecrets(item, depth + 1));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function') continue;
      out[cleanText(key)] = isSecretField(key) ? REDACTED : redactSecrets(item, depth + 1);
    }
    return out;
  }
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text exactly as PostgreSQL will store it: no NUL (refused) and no lone UTF-16 surrogate
 * (stored as U+FFFD), so the hash computed before the write matches the row read back.
 */
export function cleanText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

export function cleanOptionalText(text: string | null | undefined, maxLength = 512): string | null {
  if (text === null || text === undefined) return null;
  const clean = cleanText(String(text));
  return clean.length > maxLength ? clean.slice(0, maxLength) : clean;
}
