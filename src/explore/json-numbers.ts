// DuckDB's JSON rows write 64-bit and wider integers and decimals as strings (a JSON number could lose digits).
// explore's JSON promises numbers as numbers: these become numbers whenever a double holds them exactly;
// a value that would lose digits stays a string, so no output is ever wrong, only sometimes quoted.
import { DuckDBTypeId, type DuckDBType, type Json } from '@duckdb/node-api';

const WIDE_NUMBERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL]);

/** One column's JSON value with its numbers as numbers (lists and arrays of numbers too). */
export function numbersAsNumbers(value: Json, type: DuckDBType): Json {
  if (value === null) return value;
  if (WIDE_NUMBERS.has(type.typeId) && typeof value === 'string') return exactNumber(value) ?? value;
  if ((type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY) && Array.isArray(value) && 'valueType' in type) {
    return value.map((item) => numbersAsNumbers(item, type.valueType));
  }
  return value;
}

/** The number a decimal text stands for, when a double holds it exactly (at most 15 significant digits, or a safe integer). */
export function exactNumber(text: string): number | undefined {
  const number = Number(text);
  if (!Number.isFinite(number)) return undefined;
  if (Number.isSafeInteger(number) && /^-?\d+$/.test(text)) return number;
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return significant.length <= 15 ? number : undefined;
}
