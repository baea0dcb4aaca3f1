// A receipt, or the `fired` evidence, as the field of predict's CSV that DuckDB's writer makes of its JSON text: the
// JSON between quotes, each of its quotes doubled. Built here in one pass, from text already doubled, rather than by
// JSON.stringify and then doubling: a learned receipt (about 930 bytes, 15 numbers, 80 quotes) took 20 us that way,
// 9 us of it printing its numbers and most of the rest the doubling, against 6 us here with each distinct number
// printed once. The text is JSON.stringify's, character for character (test/unit/csv-field.test.ts holds it to that).
import { nullableCsvField } from '../files/csv-field.js';
import type { Receipt } from './policy.js';

/** How many distinct numbers a writer keeps printed: receipts round to four decimals, so a run has a few ten thousand. */
const NUMBER_CACHE_SIZE = 200_000;

/** Ten-thousandths below this are small integers (V8's Smis) on any platform. */
const SMALL_LIMIT = 2 ** 30;

/** A text JSON.stringify writes as it is between its quotes: no quote, backslash, control character or lone surrogate. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Receipt's keys, in the order policy.ts builds them; a key added to Receipt and not here fails to compile. */
const RECEIPT_KEYS = ['policy', 'model_id', 'layer', 'actions', 'top_features', 'guard_rails'] as const;
type MissingKeys = Exclude<keyof Receipt, (typeof RECEIPT_KEYS)[number]>;
const allKeys: [MissingKeys] extends [never] ? true : MissingKeys = true;
void allKeys;

export class CsvJson {
  private readonly numbers = new Map<number, string>();
  private readonly smallNumbers = new Map<number, string>();

  /** A JSON string value, its quotes doubled for the CSV field: `""text""`. */
  text(value: string): string {
    return JSON_ESCAPED.test(value) ? JSON.stringify(value).replaceAll('"', '""') : `""${value}""`;
  }

  /**
   * A JSON number (null for NaN and the infinities, as JSON.stringify writes them), each distinct one printed once. A
   * number of at most four decimals is looked up by its ten-thousandths, a small integer (a double's key hashes slower).
   */
  number(value: number): string {
    const scaled = Math.round(value * 10_000);
    const small = scaled / 10_000 === value && scaled < SMALL_LIMIT && scaled > -SMALL_LIMIT;
    return printedOnce(small ? this.smallNumbers : this.numbers, small ? scaled : value, NUMBER_CACHE_SIZE, () => JSON.stringify(value));
  }

  /**
   * A JSON scalar (text, number, boolean or null), or undefined for a value JSON.stringify would write otherwise (an
   * object, a list, undefined): the caller then falls back to JSON.stringify.
   */
  scalar(value: unknown): string | undefined {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
        return this.number(value);
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        return undefined;
    }
  }

  /** A receipt as its CSV field (quoted, with its quotes doubled). */
  receipt(receipt: Receipt): string {
    let out = `"{""policy"":${this.text(receipt.policy)},""model_id"":${receipt.model_id === null ? 'null' : this.text(receipt.model_id)},""layer"":${this.text(receipt.layer)},""actions"":[`;
    const { actions, top_features: top, guard_rails: guards } = receipt;
    for (let i = 0; i < actions.length; i += 1) {
      const a = actions[i];
      out += `${i === 0 ? '' : ','}{""action"":${this.text(a.action)},""eligible"":${a.eligible ? 'true' : 'false'},""propensity"":${a.propensity === null ? 'null' : this.number(a.propensity)},""expected_value"":${a.expected_value === null ? 'null' : this.number(a.expected_value)}}`;
    }
    out += '],""top_features"":[';
    for (let i = 0; i < top.length; i += 1) out += `${i === 0 ? '' : ','}{""feature"":${this.text(top[i].feature)},""contribution"":${this.number(top[i].contribution)}}`;
    out += '],""guard_rails"":[';
    for (let i = 0; i < guards.length; i += 1) out += `${i === 0 ? '' : ','}${this.text(guards[i])}`;
    return `${out}]}"`;
  }

  /**
   * An object of scalars (the `fired` evidence) as its CSV field: `{}` as it is (it holds nothing DuckDB quotes), else
   * quoted. A value that is not a scalar sends the whole object through JSON.stringify.
   */
  record(record: Record<string, unknown>): string {
    let out = '';
    for (const key in record) {
      const value = this.scalar(record[key]);
      if (value === undefined) return slowField(record);
      out += `${out === '' ? '"{' : ','}${this.text(key)}:${value}`;
    }
    return out === '' ? '{}' : `${out}}"`;
  }
}

/**
 * The text `print` makes for `key`, made once and kept in `cache` while it holds fewer than `limit` (a run's send
 * times, sentiments and rounded numbers repeat; printing a double is the costly part).
 */
export function printedOnce<K>(cache: Map<K, string>, key: K, limit: number, print: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = print();
    if (cache.size < limit) cache.set(key, text);
  }
  return text;
}

/** JSON.stringify's text as DuckDB's CSV writer writes it. */
const slowField = (value: unknown): string => nullableCsvField(JSON.stringify(value));
