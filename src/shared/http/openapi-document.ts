import type { OpenAPIObject } from '@nestjs/swagger';

/** The methods an OpenAPI 3.0 path item may hold; `@All` routes also yield e.g. `search`. */
const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Makes the generated document valid OpenAPI 3.0 where Nest's generator is not: drops
 * methods OpenAPI 3.0 cannot express (routing still serves them), gives an operation
 * registered for several methods or paths one operationId each (`proxy` -> `proxyGet`, and
 * `proxyGet2` on its second path), and
 * moves the paths of `lastTags` to the end of the page.
 */
export function normalizeOpenApiDocument(
  document: OpenAPIObject,
  lastTags: readonly string[] = [],
): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  const seen = countOperationIds(document);
  const taken = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      if (!OPENAPI_METHODS.includes(key) && !isOperation(value)) kept[key] = value;
      if (!OPENAPI_METHODS.includes(key)) continue;
      const operation = value as { operationId?: string };
      const id = operation.operationId;
      kept[key] =
        id && (seen.get(id) ?? 0) > 1
          ? { ...operation, operationId: uniqueId(id + capitalize(key), taken) }
          : value;
    }
    paths[path] = kept;
  }
  const isLast = (path: string) => Object.values(paths[path]).some((op) => hasTag(op, lastTags));
  const order = Object.keys(paths).sort((a, b) => Number(isLast(a)) - Number(isLast(b)));
  document.paths = Object.fromEntries(order.map((path) => [path, paths[path]]));
  document.tags = orderTags(document, lastTags);
  return document;
}

function countOperationIds(document: OpenAPIObject): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of Object.values(document.paths)) {
    for (const method of OPENAPI_METHODS) {
      const id = (item as Record<string, { operationId?: string } | undefined>)[method]
        ?.operationId;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every tag in use, in page order, with `lastTags` at the end (Swagger UI follows this list). */
function orderTags(document: OpenAPIObject, lastTags: readonly string[]): OpenAPIObject['tags'] {
  const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag]));
  const names = new Set<string>(declared.keys());
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const tag of (operation as { tags?: string[] }).tags ?? []) names.add(tag);
    }
  }
  const first = [...names].filter((name) => !lastTags.includes(name));
  const last = lastTags.filter((name) => names.has(name));
  return [...first, ...last].map((name) => declared.get(name) ?? { name });
}

function isOperation(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'responses' in value;
}

function hasTag(operation: unknown, tags: readonly string[]): boolean {
  return ((operation as { tags?: string[] }).tags ?? []).some((tag) => tags.includes(tag));
}

function uniqueId(id: string, taken: Set<string>): string {
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}${n}`;
  taken.add(unique);
  return unique;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
