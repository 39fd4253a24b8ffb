/**
 * The agent's own error replies (RESPONSE heads with the JSON error body) name their code in
 * this header too, so the relay can record the code without parsing bodies it streams. The
 * agent drops it from upstream answers and the relay drops it from callers' answers.
 */
export const ERROR_CODE_HEADER = 'x-intrabridge-error-code';

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The code an error head names, or undefined when absent or not a plausible code. */
export function errorCodeOf(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const value = headers[ERROR_CODE_HEADER];
  return typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined;
}
