import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { AppException } from '../../shared/errors/app.exception';
import { createValidationPipe } from '../../shared/errors/validation.pipe';
import { CreateDatasourceDto } from './dto/create-datasource.dto';

const validation = createValidationPipe();

/**
 * Reads AGENT_DATASOURCES_FILE: a JSON or YAML list of datasources in the API's create
 * shape (or an object with such a list under `datasources`). Every entry is validated like
 * an API request; problems name the entry and field, never a value (values may be secrets).
 */
export async function readDatasourcesFile(path: string): Promise<CreateDatasourceDto[]> {
  let document: unknown;
  try {
    document = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `AGENT_DATASOURCES_FILE cannot be read as JSON or YAML: ${(error as Error).name}`,
    );
  }
  const list =
    document && typeof document === 'object' && !Array.isArray(document)
      ? (document as { datasources?: unknown }).datasources
      : document;
  if (!Array.isArray(list)) {
    throw new Error('AGENT_DATASOURCES_FILE must hold a list of datasources');
  }
  const problems: string[] = [];
  const entries: CreateDatasourceDto[] = [];
  for (const [index, item] of list.entries()) {
    const label = `entry ${index}${typeof (item as { name?: unknown })?.name === 'string' ? ` (${(item as { name: string }).name})` : ''}`;
    try {
      entries.push(
        (await validation.transform(item, {
          type: 'body',
          metatype: CreateDatasourceDto,
        })) as CreateDatasourceDto,
      );
    } catch (error) {
      const details = error instanceof AppException ? error.details : undefined;
      const fields = Array.isArray(details)
        ? (details as Array<{ field: string; problems: string[] }>).map(
            (d) => `${d.field}: ${d.problems.join('; ')}`,
          )
        : ['not a datasource object'];
      problems.push(`${label}: ${fields.join(', ')}`);
    }
  }
  const names = entries.map((entry) => entry.name);
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0)
    problems.push(`duplicate names: ${[...new Set(duplicates)].join(', ')}`);
  if (problems.length > 0) {
    throw new Error(`AGENT_DATASOURCES_FILE is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return entries;
}
