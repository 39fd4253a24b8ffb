/**
 * Strict rules for the raw (still percent-encoded) path a caller asks a datasource for. The
 * path is refused rather than normalised: a gateway that "fixes" `..` or `%2f` has to agree
 * with every upstream about what the fixed path means, and traversal bugs live in that gap.
 */

export const MAX_PATH_LENGTH = 8192;

/** RFC 3986 pchar plus '/': unreserved, sub-delims, ':', '@' and percent-escapes. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** Query characters: pchar plus '/' and '?'. No '#', space, control or raw non-ASCII. */
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const PERCENT_ESCAPE = /%(?![0-9A-Fa-f]{2})|%([0-9A-Fa-f]{2})/g;

/**
 * Bytes that must never appear percent-encoded in a path: '/', '\', '.', '%' (double
 * encoding) and control characters. Each would let a later decoder see a different path
 * than the one checked here.
 */
function isForbiddenEncodedByte(byte: number): boolean {
  return (
    byte === 0x2f || byte === 0x5c || byte === 0x2e || byte === 0x25 || byte < 0x20 || byte === 0x7f
  );
}

/** Why a raw path is refused, or undefined when it is acceptable. */
export function findPathProblem(raw: string): string | undefined {
  if (raw.length === 0 || raw[0] !== '/')
    return 'path must start with "/" (absolute URLs are refused)';
  if (raw.length > MAX_PATH_LENGTH) return 'path is too long';
  if (raw.startsWith('//')) return 'scheme-relative paths ("//host") are refused';
  if (raw.includes('\\')) return 'backslashes are refused';
  if (!PATH_CHARS.test(raw))
    return 'path contains a character that must be percent-encoded or is refused (control, space, NUL, CR/LF, "?", "#")';
  const escapeProblem = findEscapeProblem(raw, isForbiddenEncodedByte);
  if (escapeProblem) return escapeProblem;
  if (raw.includes('%') && !isValidUtf8(percentDecode(raw))) {
    // Overlong forms (`%c0%ae`), lone continuation bytes and `%ff` decode to `.` or `/` in
    // lenient decoders; only shortest-form UTF-8 has one meaning everywhere.
    return 'percent-escapes must decode to valid UTF-8';
  }
  const segments = raw.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '' && i < segments.length - 1) return 'empty path segments ("//") are refused';
    // `..;x` is `..` to servlet containers that strip path parameters.
    const bare = segment.split(';', 1)[0];
    if (bare === '.' || bare === '..') return 'dot segments ("." and "..") are refused';
  }
  return undefined;
}

/** Why a raw query string (without '?') is refused, or undefined when it is acceptable. */
export function findQueryProblem(raw: string): string | undefined {
  if (raw.length > MAX_PATH_LENGTH) return 'query string is too long';
  if (!QUERY_CHARS.test(raw))
    return 'query string contains a character that must be percent-encoded';
  return findEscapeProblem(raw, (byte) => byte === 0);
}

function findEscapeProblem(raw: string, forbidden: (byte: number) => boolean): string | undefined {
  if (!raw.includes('%')) return undefined;
  PERCENT_ESCAPE.lastIndex = 0;
  for (let match = PERCENT_ESCAPE.exec(raw); match; match = PERCENT_ESCAPE.exec(raw)) {
    if (match[1] === undefined) return 'malformed percent-escape';
    if (forbidden(parseInt(match[1], 16))) {
      return `percent-encoded ${describeByte(parseInt(match[1], 16))} is refused`;
    }
  }
  return undefined;
}

function describeByte(byte: number): string {
  switch (byte) {
    case 0x2f:
      return 'slash';
    case 0x5c:
      return 'backslash';
    case 0x2e:
      return 'dot';
    case 0x25:
      return 'percent sign (double encoding)';
    default:
      return 'control character';
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Letters, digits, '-', '_', '~': the unreserved characters that may travel encoded ('.' may not). */
const UNRESERVED_BYTE = /^[A-Za-z0-9\-_~]$/;

function isValidUtf8(bytes: Buffer): boolean {
  try {
    STRICT_UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The bytes a raw path stands for; escapes must already be well formed. */
function percentDecode(raw: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '%') {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(raw.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

/**
 * The one spelling of a path that passed `findPathProblem` (RFC 3986 section 6.2.2):
 * unreserved characters unescaped, other escapes in upper case. Prefix checks compare this
 * form, and it is what the upstream receives, so both see the same path.
 */
export function normalizePath(raw: string): string {
  if (!raw.includes('%')) return raw;
  return raw.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED_BYTE.test(char) ? char : escape.toUpperCase();
  });
}

/**
 * The decoded segments of a path that passed `findPathProblem`, without the empty segment a
 * trailing slash leaves. Returns undefined when a segment is not valid UTF-8.
 */
export function decodeSegments(raw: string): string[] | undefined {
  try {
    return raw
      .slice(1)
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * Whether a checked path lies under one of the allowed prefixes. A prefix ending in '/'
 * covers everything below it; otherwise it covers itself and its sub-paths, so `/api`
 * admits `/api` and `/api/x` but not `/apikeys`.
 */
export function isUnderPrefix(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => {
    if (prefix.endsWith('/')) return path.startsWith(prefix);
    return path === prefix || path.startsWith(`${prefix}/`);
  });
}
