import { types, type CustomTypesConfig } from 'pg';

/** Names of PostgreSQL's built-in types by OID, for the `columns` of a result. */
const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  650: 'cidr',
  700: 'float4',
  701: 'float8',
  790: 'money',
  829: 'macaddr',
  869: 'inet',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1266: 'timetz',
  1560: 'bit',
  1562: 'varbit',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  1000: '_bool',
  1005: '_int2',
  1007: '_int4',
  1016: '_int8',
  1009: '_text',
  1015: '_varchar',
  1021: '_float4',
  1022: '_float8',
  1231: '_numeric',
  2951: '_uuid',
  1182: '_date',
  1115: '_timestamp',
  1185: '_timestamptz',
  199: '_json',
  3807: '_jsonb',
};

/** The type name of a column; types outside the built-ins (enums, domains) as `oid:<n>`. */
export function columnTypeName(oid: number): string {
  return TYPE_NAMES[oid] ?? `oid:${oid}`;
}

/**
 * Date, time, interval and bytea values keep PostgreSQL's text form: a JS Date would shift
 * a `timestamp` by the agent's time zone, and an interval object has no JSON form.
 */
const KEEP_AS_TEXT = new Set([
  17, 1082, 1083, 1114, 1184, 1186, 1266, 1182, 1115, 1185, 1001, 1187,
]);

type TextParser = (value: string) => unknown;

function parserFor(oid: number): TextParser {
  if (KEEP_AS_TEXT.has(oid)) return (value) => value;
  // pg-types declares its parsers as `any`; they take the text form and return a value.
  return types.getTypeParser(oid, 'text') as TextParser;
}

export const RESULT_TYPES: CustomTypesConfig = { getTypeParser: parserFor };
