// LoadResult.mail / .partial: what the loader still hands `hapair check` when the file has errors (table).
import test from 'ava';
import { GLOBAL_BLOCK, MAIL_KEYWORDS } from '../../../src/vrrp/config/global.js';
import { instance, load } from '../../helpers/kaconf.js';

const MAIL = 'notification_email {\n  ops@example.com\n}\nsmtp_server 198.18.0.25 587';
const g = (body: string) => `global_defs {\n${body}\n}\n`;

/** [title, config text, errors?, mail settings exposed?, partial model exposed?] */
const ROWS: [string, string, boolean, boolean, boolean][] = [
  ['clean file', g(MAIL) + instance(''), false, true, false],
  ['error in an instance value', g(MAIL) + instance('priority 300'), true, true, true],
  ['instance without interface (dropped instance)', g(MAIL) + instance('', { base: 'virtual_router_id 51\n  virtual_ipaddress {\n    198.18.0.10/24\n  }' }), true, true, false],
  ['unknown keyword at the top level', g(MAIL) + 'vrrp_instanc VI_1 {\n}\n' + instance(''), true, true, true],
  ['non-mail error inside global_defs', g(MAIL + '\nvrrp_version 4') + instance(''), true, true, true],
  ['inline password (refused, the other mail settings stand)', g(MAIL + '\nsmtp_auth_user a\nsmtp_auth_password x') + instance(''), true, true, true],
  ['smtp_server with a bad port (mail incomplete)', g(MAIL.replace('587', '99999')) + instance(''), true, false, true],
  ['smtp_tls with a bad mode', g(MAIL + '\nsmtp_tls maybe') + instance(''), true, false, true],
  ['notification_email without a block', g('notification_email ops@example.com\nsmtp_server 198.18.0.25') + instance(''), true, false, true],
  ['mail keyword as the stray second statement of a line', g(MAIL + '\nrouter_id lb1 smtp_connect_timeout') + instance(''), true, false, true],
  ['unclosed instance block (seed 002 shape)', g(MAIL) + instance('').replace(/}\n$/, ''), true, true, true],
];

for (const [title, text, errors, mail, partial] of ROWS) {
  test(`load result: ${title}`, (t) => {
    const r = load(text);
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    t.is(errs.length > 0, errors, JSON.stringify(r.diagnostics));
    t.is(r.config === undefined, errors, 'config stays undefined iff there are errors');
    t.is(r.mail !== undefined, mail, 'mail');
    t.is(r.partial !== undefined, partial, 'partial');
    if (r.config) t.is(r.mail, r.config.global.mail);
    if (r.mail) t.deepEqual(r.mail.recipients, ['ops@example.com']);
    if (r.partial) t.deepEqual(r.partial.instances.map((i) => i.name), ['VI_1']);
  });
}

test('MAIL_KEYWORDS are global_defs keywords, and every mail setting keyword is one', (t) => {
  for (const k of MAIL_KEYWORDS) t.true(Object.hasOwn(GLOBAL_BLOCK.table, k), k);
  const settings = Object.keys(GLOBAL_BLOCK.table).filter((k) => /^(notification_email|smtp_|alert_)/.test(k) && !/^smtp_alert/.test(k) && k !== 'smtp_auth_password');
  t.deepEqual([...MAIL_KEYWORDS].sort(), settings.sort());
});
