// `hapair check`: validates keepalived.conf / haproxy.cfg files, prints `file:line: ...` diagnostics and a verdict.
import fs from 'node:fs';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostics.js';
import { HaError } from '../../core/errors.js';
import { loadKeepalivedConfig } from '../../vrrp/config/load.js';
import { decomment } from '../../vrrp/config/lexer.js';
import { sortDiagnostics } from '../../vrrp/config/codes.js';

export const usage = [
  'usage: hapair check -f FILE [-f FILE...] [--type keepalived|haproxy] [--quiet] [--json]',
  '',
  'Validates configuration files the way `hapair vrrp` / `hapair proxy` load them, and lints known traps.',
  '',
  '  -f, --file FILE   file to check (repeatable). keepalived files are checked one by one; haproxy files',
  '                    together, as one configuration (like `haproxy -f a -f b`)',
  '  --type TYPE       keepalived|haproxy: skip detection (default: keepalived if the file has { } blocks or',
  '                    global_defs / vrrp_* keywords; haproxy if it starts with a section keyword)',
  '  --quiet           print errors only (no warnings, no verdict on success)',
  '  --json            print {ok, results:[{type, files, ok, errors, warnings, diagnostics}]} on stdout instead',
  '',
  'Diagnostics go to stderr as `file:line: message` and `file:line: warning: message (fix: ...)`;',
  'one verdict line per configuration goes to stdout. Exit status: 0 no errors, 1 errors, 2 bad usage.',
].join('\n');

export type ConfigType = 'keepalived' | 'haproxy';

interface Options {
  readonly files: string[];
  readonly type?: ConfigType;
  readonly quiet: boolean;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const files: string[] = [];
  let type: ConfigType | undefined;
  let quiet = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new HaError('EUSAGE', `${a} needs a value\n${usage}`);
      return v;
    };
    if (a === '-f' || a === '--file') files.push(value());
    else if (a.startsWith('--file=')) files.push(a.slice(7));
    else if (a === '--type' || a.startsWith('--type=')) {
      const t = a === '--type' ? value() : a.slice(7);
      if (t !== 'keepalived' && t !== 'haproxy') throw new HaError('EUSAGE', `--type must be keepalived or haproxy, not '${t}'`);
      type = t;
    } else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--json') json = true;
    else throw new HaError('EUSAGE', `unknown option '${a}'\n${usage}`);
  }
  if (files.length === 0) throw new HaError('EUSAGE', `no file given (-f FILE)\n${usage}`);
  return { files, ...(type ? { type } : {}), quiet, json };
}

const HAPROXY_SECTIONS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'mailers', 'program', 'cache', 'http-errors', 'ring', 'log-forward']);
const KEEPALIVED_WORDS = /^(global_defs|vrrp_\w+|virtual_server\w*|include)\b/;

/**
 * haproxy if the first statement is a section keyword (checked first: haproxy ACLs may contain `{ }`);
 * keepalived if a line starts with global_defs / vrrp_* or the file has `{` blocks; undefined otherwise.
 */
export function detectType(text: string): ConfigType | undefined {
  let first: string | undefined;
  let keepalived = false;
  for (const line of text.split('\n')) {
    const t = decomment(line).text;
    if (t === '') continue;
    const word = t.split(/\s+/)[0]!;
    first ??= word;
    if (KEEPALIVED_WORDS.test(t) || t.includes('{')) keepalived = true;
  }
  if (first !== undefined && HAPROXY_SECTIONS.has(first)) return 'haproxy';
  return keepalived ? 'keepalived' : undefined;
}

interface CheckResult {
  readonly type: ConfigType;
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

/**
 * The loader's diagnostics plus notify's checks, also next to errors elsewhere in the file so that one run
 * shows everything: the mail settings whenever the loader read them all, and the notify_* lines running
 * `hapair notify-mail` whenever every instance was built (the line check resolves --instance against them).
 * The daemon logs the same findings at every (re)start.
 */
async function checkKeepalived(file: string): Promise<CheckResult> {
  const r = loadKeepalivedConfig(file);
  const extra: Diagnostic[] = [];
  if (r.mail) {
    const { checkMailSettings } = await import('../../notify/check.js');
    extra.push(...checkMailSettings(r.mail));
  }
  const model = r.config ?? r.partial;
  if (model) {
    const { checkNotifyMailLines } = await import('../../notify/check-lines.js');
    extra.push(...checkNotifyMailLines(model));
  }
  // One list in file order, then line: the loader's own order (files as first met), the checks merged in.
  const files = [...new Set([...(r.config?.files ?? []), ...r.diagnostics.map((d) => d.file), ...extra.map((d) => d.file)])];
  return { type: 'keepalived', files: [file], diagnostics: sortDiagnostics([...r.diagnostics, ...extra], files) };
}

async function checkHaproxy(files: string[]): Promise<CheckResult> {
  const { loadProxyConfig } = await import('../../proxy/config/load.js');
  return { type: 'haproxy', files, diagnostics: [...loadProxyConfig(files).diagnostics] };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function verdict(r: CheckResult): string {
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = r.diagnostics.length - errors;
  const name = r.files.join(', ');
  if (errors > 0) return `${name}: FAILED (${count(errors, 'error')}${warnings ? `, ${count(warnings, 'warning')}` : ''})`;
  return `${name}: OK${warnings ? ` (${count(warnings, 'warning')})` : ''}`;
}

/** Groups the files by type: each keepalived file alone, all haproxy files as one configuration. */
function plan(opts: Options): { keepalived: string[]; haproxy: string[]; unknown: Diagnostic[] } {
  const out = { keepalived: [] as string[], haproxy: [] as string[], unknown: [] as Diagnostic[] };
  for (const f of opts.files) {
    let type = opts.type;
    if (!type) {
      let text: string;
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch (err) {
        out.unknown.push({ file: f, line: 0, severity: 'error', code: 'file-read-error', message: `cannot read ${f}: ${(err as Error).message}` });
        continue;
      }
      type = detectType(text);
      if (!type) {
        out.unknown.push({ file: f, line: 0, severity: 'error', code: 'unknown-type', message: 'cannot tell whether this is a keepalived.conf or an haproxy.cfg (use --type)' });
        continue;
      }
    }
    out[type].push(f);
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const p = plan(opts);
  const results: CheckResult[] = [];
  for (const f of p.keepalived) results.push(await checkKeepalived(f));
  if (p.haproxy.length > 0) results.push(await checkHaproxy(p.haproxy));
  const all = [...p.unknown, ...results.flatMap((r) => r.diagnostics)];
  const ok = !all.some((d) => d.severity === 'error');
  if (opts.json) {
    const json = {
      ok,
      results: [
        ...p.unknown.map((d) => ({ type: null, files: [d.file], ok: false, errors: 1, warnings: 0, diagnostics: [d] })),
        ...results.map((r) => {
          const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
          return { type: r.type, files: r.files, ok: errors === 0, errors, warnings: r.diagnostics.length - errors, diagnostics: r.diagnostics };
        }),
      ],
    };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return ok ? 0 : 1;
  }
  for (const d of p.unknown) process.stderr.write(formatDiagnostic(d) + '\n');
  for (const r of results) {
    for (const d of r.diagnostics) {
      if (opts.quiet && d.severity === 'warning') continue;
      process.stderr.write(formatDiagnostic(d) + '\n');
    }
    const failed = r.diagnostics.some((d) => d.severity === 'error');
    if (!opts.quiet || failed) process.stdout.write(verdict(r) + '\n');
  }
  return ok ? 0 : 1;
}
