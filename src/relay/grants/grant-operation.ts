/** HTTP methods a grant can allow, plus `query` for named SQL queries. */
export const HTTP_OPERATIONS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;
export const QUERY_OPERATION = 'query';
export const GRANT_OPERATIONS: readonly string[] = [...HTTP_OPERATIONS, QUERY_OPERATION];
/** A grant naming this datasource covers all of the agent's datasources. */
export const ANY_DATASOURCE = '*';

/** Methods upper-case, `query` lower-case; anything unknown becomes undefined. */
export function normalizeOperation(operation: string): string | undefined {
  const upper = operation.toUpperCase();
  if ((HTTP_OPERATIONS as readonly string[]).includes(upper)) return upper;
  if (upper === 'QUERY') return QUERY_OPERATION;
  return undefined;
}
