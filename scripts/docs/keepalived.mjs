// keepalived.conf facts for docs/configuration-keepalived.md, read from the loader's own keyword tables
// (src/vrrp/config/*.ts): the supported keyword sets, the unsupported-keyword tables, the diagnostic codes.
import { codeList, loadModule, readSource, table } from './lib.mjs';

const LEVEL = { error: 'refused (error)', warning: 'ignored (warning)' };

/** Unsupported tables grouped by (level, reason): one row per distinct answer, keywords listed. */
function unsupportedTable(tbl) {
  const groups = new Map();
  for (const [kw, { level, why }] of Object.entries(tbl)) {
    const key = `${level}\u0000${why}`;
    groups.set(key, [...(groups.get(key) ?? []), kw]);
  }
  const rows = [...groups.entries()]
    .map(([key, kws]) => {
      const [level, why] = key.split('\u0000');
      return [codeList(kws).trim(), LEVEL[level] ?? level, why];
    })
    .sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1])));
  return table(['keywords', 'hapair', 'why'], rows);
}

/** Codes of the `KaDiagCode` union (a type, so read from the source). */
function diagnosticCodes() {
  return new Set([...readSource('src/vrrp/config/codes.ts').matchAll(/^\s*\| '([a-z0-9-]+)'/gm)].map((m) => m[1]));
}

/** Codes `hapair check` adds from the mail settings check (src/notify/check.ts). */
function mailCodes() {
  return new Set([...readSource('src/notify/check.ts').matchAll(/'(mail-[a-z0-9-]+)'/g)].map((m) => m[1]));
}

export async function keepalivedFacts(out) {
  const { GLOBAL_BLOCK } = await loadModule(out, 'src/vrrp/config/global.js');
  const { INSTANCE_BLOCK } = await loadModule(out, 'src/vrrp/config/instance.js');
  const { SCRIPT_BLOCK } = await loadModule(out, 'src/vrrp/config/script.js');
  const { GROUP_BLOCK } = await loadModule(out, 'src/vrrp/config/sync-group.js');
  const { ROOT_UNSUPPORTED, GROUP_UNSUPPORTED } = await loadModule(out, 'src/vrrp/config/unsupported.js');
  const keys = (b) => new Set(Object.keys(b.table));
  return {
    keywords: new Map([
      ['ka-global', keys(GLOBAL_BLOCK)],
      ['ka-instance', keys(INSTANCE_BLOCK)],
      ['ka-script', keys(SCRIPT_BLOCK)],
      ['ka-group', keys(GROUP_BLOCK)],
      ['ka-codes', diagnosticCodes()],
      ['ka-mail-codes', mailCodes()],
    ]),
    generated: new Map([
      ['ka-unsupported-root', unsupportedTable(ROOT_UNSUPPORTED)],
      ['ka-unsupported-global', unsupportedTable(GLOBAL_BLOCK.unsupported)],
      ['ka-unsupported-instance', unsupportedTable(INSTANCE_BLOCK.unsupported)],
      ['ka-unsupported-group', unsupportedTable(GROUP_UNSUPPORTED)],
    ]),
  };
}
