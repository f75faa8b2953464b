// Syslog framing tables (pure): every `format` header, priorities, `len` cuts, haproxy's #XX encoding of the
// request line; senders that cannot deliver drop and count instead of throwing; which targets get a sink.
import test from 'ava';
import { syslogDatagram, legacyTime, isoTime, FACILITIES, SEVERITIES, type SyslogFormat } from '../../../src/proxy/syslog/format.js';
import { droppedLogLines, udpSender, unixSender } from '../../../src/proxy/syslog/transport.js';
import { createSyslogSink } from '../../../src/proxy/syslog/sink.js';
import { encodeRequestLine, trafficLogger } from '../../../src/proxy/log.js';
import { silentLogger } from '../../../src/core/logger.js';

const at = new Date(2026, 10, 1, 8, 3, 7, 42).getTime(); // local time: Nov  1 08:03:07.042
const off = -new Date(at).getTimezoneOffset();
const zone = `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
const iso = `2026-11-01T08:03:07.042000${zone}`;
const meta = { tag: 'haproxy', pid: 4242 };
const text = '127.0.0.1:5 [01/Nov/2026:08:03:07.042] fe app/s1 0/0/0/1/1 200 84 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';

const rows: [SyslogFormat, string][] = [
  ['local', `<150>Nov  1 08:03:07 haproxy[4242]: ${text}\n`],
  ['rfc3164', `<150>Nov  1 08:03:07 localhost haproxy[4242]: ${text}\n`],
  ['rfc5424', `<150>1 ${iso} - haproxy 4242 - - ${text}\n`],
  ['priority', `<150>${text}\n`],
  ['short', `<6>${text}\n`],
  ['timed', `<6>${iso} ${text}\n`],
  ['iso', `${iso} ${text}\n`],
  ['raw', `${text}\n`],
];
for (const [format, expected] of rows) {
  test(`format ${format}`, (t) => {
    t.is(syslogDatagram(format, FACILITIES.local2!, SEVERITIES.info!, at, meta, text), expected);
  });
}

test('priorities, hostname, len cut (header + text, then LF), legacy and ISO times', (t) => {
  t.is(syslogDatagram('priority', FACILITIES.kern!, SEVERITIES.emerg!, at, meta, 'x'), '<0>x\n');
  t.is(syslogDatagram('priority', FACILITIES.local7!, SEVERITIES.debug!, at, meta, 'x'), '<191>x\n');
  t.is(syslogDatagram('rfc3164', FACILITIES.daemon!, SEVERITIES.err!, at, { ...meta, host: 'lb1' }, 'x'), '<27>Nov  1 08:03:07 lb1 haproxy[4242]: x\n');
  t.is(syslogDatagram('rfc5424', FACILITIES.daemon!, SEVERITIES.err!, at, { ...meta, host: 'lb1' }, 'x'), `<27>1 ${iso} lb1 haproxy 4242 - - x\n`);
  const cut = syslogDatagram('local', FACILITIES.local2!, SEVERITIES.info!, at, meta, text, 80);
  t.is(cut.length, 81);
  t.true(cut.endsWith('\n'));
  t.is(cut.slice(0, 80), `<150>Nov  1 08:03:07 haproxy[4242]: ${text}`.slice(0, 80));
  t.is(legacyTime(new Date(2026, 0, 31, 23, 59, 59).getTime()), 'Jan 31 23:59:59');
  t.is(isoTime(at), iso);
});

test("request line encoding: haproxy's #XX for control bytes, DEL and above, '\"' and '#'", (t) => {
  const rows: [string, string][] = [
    ['GET /a?b=c HTTP/1.1', 'GET /a?b=c HTTP/1.1'],
    ['GET /a"b#c HTTP/1.1', 'GET /a#22b#23c HTTP/1.1'],
    ['GET /\x7f\x01\xe9 HTTP/1.1', 'GET /#7F#01#E9 HTTP/1.1'],
    ['GET /{|}% HTTP/1.1', 'GET /{|}% HTTP/1.1'],
  ];
  for (const [raw, logged] of rows) t.is(encodeRequestLine(raw), logged, raw);
});

test('senders never throw: an unresolvable name drops and counts; a missing unix socket is not an error', async (t) => {
  const before = droppedLogLines();
  const udp = udpSender('nonexistent.invalid', 514);
  t.false(udp.send('<150>x\n'));
  t.is(droppedLogLines(), before + 1);
  await new Promise((r) => setTimeout(r, 300)); // the lookup fails; the sender keeps dropping, never throws
  t.false(udp.send('<150>y\n'));
  t.is(droppedLogLines(), before + 2);
  // haproxy sends with MSG_DONTWAIT and ignores a missing /dev/log; so does the helper.
  t.true(unixSender('/nonexistent/dir/log.sock').send('<150>z\n'));
});

test('which targets make a syslog sink: UDP and unix paths do; stdout/stderr (JSON) and filtered levels do not', (t) => {
  const where = { file: 't.cfg', line: 1 };
  const log = silentLogger();
  t.is(createSyslogSink([{ address: 'stdout', facility: 'local0', where }, { address: 'stderr', facility: 'local0', where }], log), undefined);
  t.is(createSyslogSink([{ address: '127.0.0.1:514', facility: 'local0', level: 'notice', where }], log), undefined, 'info lines never reach a notice target');
  t.truthy(createSyslogSink([{ address: '127.0.0.1:514', facility: 'local0', where }], log));
  t.truthy(createSyslogSink([{ address: '/dev/log', facility: 'local0', level: 'info', where }], log));
  t.is(trafficLogger(log, []), undefined, 'no log target: no traffic log at all (haproxy)');
  t.truthy(trafficLogger(log, [{ address: 'stdout', facility: 'local0', where }]));
});
