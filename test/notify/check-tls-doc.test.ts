// The "certificate checked" table of docs/configuration-keepalived.md against verifiesCertificate: every
// smtp_tls / smtp_tls_ca_file / smtp_tls_verify combination is one row's answer, read through the real loader.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { verifiesCertificate } from '../../src/notify/transport.js';
import { instance, load } from '../helpers/kaconf.js';
import { repoRoot } from '../helpers/paths.js';

const MODES = ['starttls', 'require-starttls', 'implicit'] as const;
const CA = ['unset', 'set'] as const;
const VERIFY = ['unset', 'yes', 'no'] as const;

/** `a` or `b` or `c` -> the words; backticks dropped. */
const alternatives = (cell: string): string[] => cell.replaceAll('`', '').split(/\s+or\s+/).map((w) => w.trim());

function docRows(): { modes: string[]; ca: string[]; verify: string[]; checked: boolean }[] {
  const md = fs.readFileSync(path.join(repoRoot, 'docs/configuration-keepalived.md'), 'utf8');
  const m = /<!-- tls-verify:[^\n]*\n([\s\S]*?)<!-- \/tls-verify -->/.exec(md);
  if (!m) throw new Error('docs/configuration-keepalived.md has no <!-- tls-verify --> table');
  return m[1]!.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const cells = l.split('|').slice(1, -1).map((c) => c.trim());
    return { modes: alternatives(cells[0]!), ca: alternatives(cells[1]!), verify: alternatives(cells[2]!), checked: cells[3] === 'yes' };
  });
}

/** What hapair does for one combination: the loader builds MailSettings, transport decides. */
function actual(mode: string, ca: string, verify: string): boolean {
  const lines = [`smtp_tls ${mode}`, ...(ca === 'set' ? ['smtp_tls_ca_file /etc/hapair/relay-ca.pem'] : []), ...(verify === 'unset' ? [] : [`smtp_tls_verify ${verify}`])];
  const r = load(`global_defs {\n  ${lines.join('\n  ')}\n}\n` + instance(''));
  if (!r.config) throw new Error(JSON.stringify(r.diagnostics));
  return verifiesCertificate(r.config.global.mail);
}

test('every combination is answered by exactly one row of the doc table, and the answer is what hapair does', (t) => {
  const rows = docRows();
  t.true(rows.length >= 3, 'the table has rows');
  for (const mode of MODES) {
    for (const ca of CA) {
      for (const verify of VERIFY) {
        const hits = rows.filter((r) => r.modes.includes(mode) && r.ca.includes(ca) && r.verify.includes(verify));
        const what = `smtp_tls ${mode}, CA file ${ca}, smtp_tls_verify ${verify}`;
        t.is(hits.length, 1, `${what}: ${hits.length} rows`);
        if (hits[0]) t.is(hits[0].checked, actual(mode, ca, verify), what);
      }
    }
  }
});

test('the default (nothing written) is opportunistic: the doc row and the code say not checked', (t) => {
  const r = load(instance(''));
  t.false(verifiesCertificate(r.config!.global.mail));
  t.false(docRows().find((x) => x.modes.includes('starttls') && x.ca.includes('unset') && x.verify.includes('unset'))!.checked);
});
