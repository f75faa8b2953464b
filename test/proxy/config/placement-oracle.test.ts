// Keyword placement matrix (haproxy.md §1.4): every keyword in every section kind, compared with haproxy 2.6 —
// same verdict (valid/invalid) and the same "ignored because ... has no <side> capability" warnings.
import test from 'ava';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { parseText } from '../../helpers/pxconf.js';

const KEYWORDS = [
  'bind :9000', 'mode http', 'maxconn 10', 'fullconn 10', 'balance leastconn', 'hash-type consistent', 'cookie S insert',
  'server s 127.0.0.1:80', 'default-server inter 3s', 'acl a path /', 'use_backend b', 'default_backend b',
  'option httpchk', 'option tcp-check', 'tcp-check connect port 80', 'stats enable', 'stats admin if TRUE',
  'log global', 'timeout client 1s', 'timeout server 1s', 'timeout check 1s', 'timeout http-request 1s', 'retries 2',
  'http-reuse safe', 'option redispatch', 'option dontlognull', 'option forwardfor', 'option http-server-close',
  'option allbackups', 'option abortonclose', 'id 99', 'external-check path /bin', 'http-check send-state',
];
const SECTIONS = ['defaults', 'defaults named', 'frontend x', 'backend x', 'listen x'];

/** One config per (section, keyword); mode http so HTTP-only settings are not dropped for another reason. */
function config(section: string, kw: string): string {
  return [section, '  mode http', `  ${kw}`, 'listen l', '  mode http', '  bind :8000', 'backend b', '  mode http', ''].join('\n');
}

const CAP_WARNING = /ignored because .* has no (frontend|backend) capability/;

for (const section of SECTIONS) {
  test(`placement: every keyword in '${section}' behaves as in haproxy 2.6`, async (t) => {
    for (const kw of KEYWORDS) {
      const text = config(section, kw);
      const ha = await haproxyCheckText(text, 'place.cfg');
      const ours = parseText(text);
      const ourValid = ours.errors.length === 0;
      t.is(ourValid, ha.valid, `${section} / ${kw}: haproxy ${ha.valid ? 'accepts' : 'rejects'}; ours: ${JSON.stringify(ours.errors.map((e) => e.message))}\n${ha.output}`);
      if (ha.valid && ourValid) {
        const haIgnored = /\[WARNING\].*place\.cfg:3\].*(ignored because|will be ignored because|directive is ignored in backends)/.test(ha.output);
        const ourIgnored = ours.warnings.some((w) => w.line === 3 && (w.code === 'keyword-ignored' || w.code === 'option-ignored' || CAP_WARNING.test(w.message)));
        t.is(ourIgnored, haIgnored, `${section} / ${kw}: capability warning (haproxy: ${haIgnored})\n${ha.output}`);
      }
    }
  });
}
