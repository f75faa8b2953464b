// Table-row runner for keepalived loader semantics: config text -> exact diagnostic codes + picked fields.
import test from 'ava';
import type { KeepalivedConfig } from '../../src/vrrp/types.js';
import { load } from './kaconf.js';

export interface Row {
  readonly name: string;
  readonly conf: string;
  /** Exact multiset of diagnostic codes (order-insensitive). */
  readonly codes: readonly string[];
  /** When given, the config must load and pick(config) must deep-equal `want`. */
  readonly pick?: (c: KeepalivedConfig) => unknown;
  readonly want?: unknown;
}

/** Registers one ava test per row under `prefix`. */
export function rows(prefix: string, table: readonly Row[]): void {
  for (const row of table) {
    test(`${prefix}: ${row.name}`, (t) => {
      const r = load(row.conf);
      const hasError = r.diagnostics.some((d) => d.severity === 'error');
      t.is(r.config === undefined, hasError, 'config is undefined iff there are errors');
      t.deepEqual([...r.diagnostics.map((d) => d.code)].sort(), [...row.codes].sort(), JSON.stringify(r.diagnostics, null, 1));
      for (const d of r.diagnostics) {
        t.is(d.file, 'k.conf');
        t.true(d.line >= 1, `${d.code} has a line`);
        if (d.severity === 'warning') t.truthy(d.fix, `warning ${d.code} carries a fix`);
      }
      if (row.pick) {
        if (!r.config) return void t.fail('config did not load');
        t.deepEqual(row.pick(r.config), row.want);
      }
    });
  }
}
