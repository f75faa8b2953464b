// `hapair check` file-type detection table (pure).
import test from 'ava';
import { detectType } from '../../src/cli/commands/check.js';

const cases: [string, string, 'keepalived' | 'haproxy' | undefined][] = [
  ['keepalived global_defs', '! Configuration\nglobal_defs {\n router_id a\n}\n', 'keepalived'],
  ['keepalived instance only', 'vrrp_instance VI {\n}\n', 'keepalived'],
  ['keepalived include only', '# main\ninclude /etc/keepalived/conf.d/*.conf\n', 'keepalived'],
  ['haproxy global', '#---\nglobal\n    maxconn 100\n', 'haproxy'],
  ['haproxy starting with defaults', 'defaults\n  mode http\n', 'haproxy'],
  ['haproxy with anonymous ACL braces', 'frontend f\n  bind :80\n  use_backend b if { path_beg /api }\n', 'haproxy'],
  ['haproxy listen', 'listen stats\n  bind :8404\n', 'haproxy'],
  ['neither', 'hello world\n', undefined],
  ['empty', '', undefined],
  ['comments only', '# just\n! comments\n', undefined],
];

for (const [name, text, want] of cases) {
  test(`detectType: ${name}`, (t) => {
    t.is(detectType(text), want);
  });
}
