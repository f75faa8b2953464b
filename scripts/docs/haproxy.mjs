// haproxy.cfg facts for docs/configuration-haproxy.md. The loader's keyword tables are private to their modules,
// so every candidate word found in src/proxy/config/*.ts is fed to the REAL loader (parseProxyText) in the right
// context and classified by the diagnostic it gets: supported / ignored (warning) / refused / removed / legacy.
// Behaviour, not source text, decides; a word the loader calls unknown is not a keyword of that context.
import { codeList, loadModule, readSource, table } from './lib.mjs';

const SOURCES = ['kw-proxy', 'kw-global', 'kw-options', 'kw-server', 'kw-bind', 'kw-timeout', 'kw-lb', 'kw-stats', 'kw-checks', 'acl']
  .map((f) => `src/proxy/config/${f}.ts`);

/** Every quoted word and object key of the keyword modules: a superset of the keywords. */
function candidates() {
  const text = SOURCES.map(readSource).join('\n');
  const words = new Set();
  for (const m of text.matchAll(/'([a-z][a-z0-9_.-]*[a-z0-9])'/g)) words.add(m[1]);
  for (const m of text.matchAll(/(?:^|[{,])\s*([a-z][a-z0-9_]*):/gm)) words.add(m[1]);
  return [...words].sort();
}

/**
 * Contexts: the config line a word is tried in, and which diagnostic code (on that line) means what. No listed
 * code = supported. `skip` words would change the parse itself (section keywords, the no/default modifiers).
 */
const CONTEXTS = {
  global: { line: (w) => `global\n    ${w}\n`, codes: { 'unknown-keyword': null, 'ignored-keyword': 'ignored', 'removed-keyword': 'removed' }, section: true },
  proxy: {
    line: (w) => `listen l\n    ${w}\n`,
    codes: { 'unknown-keyword': null, 'ignored-keyword': 'ignored', 'unsupported-keyword': 'refused', 'removed-keyword': 'removed', 'legacy-keyword': 'legacy' },
    section: true,
  },
  option: { line: (w) => `listen l\n    option ${w}\n`, codes: { 'unknown-option': null, 'ignored-option': 'ignored', 'unsupported-option': 'refused', 'legacy-keyword': 'legacy' } },
  server: {
    line: (w) => `backend b\n    server s 127.0.0.1:80 ${w}\n`,
    codes: { 'unknown-server-param': null, 'ignored-server-param': 'ignored', 'unsupported-server-param': 'refused' },
  },
  bind: { line: (w) => `frontend f\n    bind :80 ${w}\n`, codes: { 'unknown-bind-param': null, 'ignored-bind-param': 'ignored', 'unsupported-bind-param': 'refused' } },
  fetch: { line: (w) => `frontend f\n    acl a ${w} x\n`, codes: { 'unsupported-fetch': null } },
  timeout: { line: (w) => `defaults\n    timeout ${w} 1s\n`, codes: { 'bad-timeout': null } },
};

function classify(parse, ctx, word) {
  const codes = parse(ctx.line(word), 'probe.cfg', {}).diagnostics.filter((d) => d.line === 2).map((d) => d.code);
  for (const [code, kind] of Object.entries(ctx.codes)) if (codes.includes(code)) return kind;
  return 'supported';
}

/** context -> kind -> Set of words. */
export async function probeKeywords(out) {
  const { parseProxyText } = await loadModule(out, 'src/proxy/config/load.js');
  const { SECTION_KEYWORDS } = await loadModule(out, 'src/proxy/config/reader.js');
  const words = candidates();
  const result = {};
  for (const [name, ctx] of Object.entries(CONTEXTS)) {
    const kinds = {};
    for (const w of words) {
      if (ctx.section && (SECTION_KEYWORDS.has(w) || w === 'no' || w === 'default')) continue;
      const kind = classify(parseProxyText, ctx, w);
      if (kind) (kinds[kind] ??= new Set()).add(w);
    }
    result[name] = kinds;
  }
  return result;
}

const KIND_TEXT = {
  ignored: 'accepted, no effect (warning)',
  refused: 'refused (error): hapair would handle traffic differently',
  removed: 'refused (error), as in haproxy 2.6',
  legacy: 'accepted with a warning and mapped (see below)',
};

function otherKinds(kinds) {
  const rows = Object.entries(KIND_TEXT).filter(([k]) => kinds[k]?.size).map(([k, text]) => [text, codeList(kinds[k]).trim()]);
  return table(['hapair', 'keywords'], rows);
}

export async function haproxyFacts(out) {
  const probed = await probeKeywords(out);
  const { PROXY_CONFIG_CODES } = await loadModule(out, 'src/proxy/config/codes.js');
  const codeRows = Object.entries(PROXY_CONFIG_CODES).map(([code, text]) => [`\`${code}\``, text.startsWith('E ') ? 'error' : 'warning', text.slice(2)]);
  const keywords = new Map();
  const generated = new Map();
  for (const [ctx, kinds] of Object.entries(probed)) {
    keywords.set(`px-${ctx}`, kinds.supported ?? new Set());
    if (Object.keys(kinds).some((k) => k !== 'supported')) generated.set(`px-${ctx}-other`, otherKinds(kinds));
  }
  generated.set('px-codes', table(['code', 'severity', 'meaning'], codeRows));
  return { keywords, generated };
}
