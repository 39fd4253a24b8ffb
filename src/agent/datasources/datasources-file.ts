import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { ConfigValidationError } from '../../shared/config/config-validation.error';
import { AppException } from '../../shared/errors/app.exception';
import { createValidationPipe } from '../../shared/errors/validation.pipe';
import { CreateDatasourceDto } from './dto/create-datasource.dto';

const validation = createValidationPipe();

/**
 * Reads AGENT_DATASOURCES_FILE: a JSON or YAML list of datasources in the API's create
 * shape (or an object with such a list under `datasources`). Every entry is validated like
 * an API request; problems name the entry and field, never a value (values may be secrets).
 * Every problem is a ConfigValidationError: the agent refuses to start with one plain
 * message, no stack trace.
 */
export async function readDatasourcesFile(path: string): Promise<CreateDatasourceDto[]> {
  const document = parseDocument(path, await readText(path));
  const list =
    document && typeof document === 'object' && !Array.isArray(document)
      ? (document as { datasources?: unknown }).datasources
      : document;
  if (!Array.isArray(list)) {
    throw invalid('AGENT_DATASOURCES_FILE must hold a list of datasources');
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
    throw new ConfigValidationError(problems.map((p) => `AGENT_DATASOURCES_FILE ${p}`));
  }
  return entries;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw invalid(`AGENT_DATASOURCES_FILE: there is no file at ${path}`);
    throw invalid(`AGENT_DATASOURCES_FILE: ${path} cannot be read (${code ?? 'error'})`);
  }
}

/**
 * `.json` is JSON only: YAML would silently accept what JSON refuses (a trailing comma).
 * Parser messages can quote the text, which may hold secrets, so only the place is reported.
 */
function parseDocument(path: string, text: string): unknown {
  if (extname(path).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const place = /line \d+ column \d+/.exec((error as Error).message)?.[0];
      throw invalid(
        `AGENT_DATASOURCES_FILE ${path} is not valid JSON${place ? ` (${place})` : ''}`,
      );
    }
  }
  try {
    return parse(text) as unknown;
  } catch (error) {
    const where = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    const place = where ? ` (line ${where.line} column ${where.col})` : '';
    throw invalid(`AGENT_DATASOURCES_FILE ${path} is not valid YAML${place}`);
  }
}

function invalid(problem: string): ConfigValidationError {
  return new ConfigValidationError([problem]);
}
