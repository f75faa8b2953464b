// Seed fragments through the real config loader, then through the check engine against real servers: the
// loader's CheckRule output and the plans agree (seed 003 SOCKS5 + httpchk, seed 001 POP3/IMAP, httpchk, external).
import test from 'ava';
import fs from 'node:fs';
import { parseProxyText } from '../../../src/proxy/config/load.js';
import { healthPlan, healthTarget, sendStateValue } from '../../../src/proxy/check/plan.js';
import { runProbe } from '../../../src/proxy/check/engine.js';
import { runExternalCheck } from '../../../src/proxy/check/external.js';
import { fixture } from '../../helpers/paths.js';
import { bannerServer, httpServer, socks5Server } from '../../helpers/check-servers.js';
import { FakeRuntime } from '../../helpers/check-fixtures.js';

function load(name: string, edit: (text: string) => string) {
  const text = edit(fs.readFileSync(fixture('seeds', name), 'utf8'));
  const r = parseProxyText(text, name);
  if (!r.config) throw new Error(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  return r.config;
}

test('seed 003 as loaded: the SOCKS5 tcp-check and the escaped httpchk pass against real servers', async (t) => {
  const web = await httpServer(() => ({ status: 204, reason: 'No Content' }));
  const socks = await socks5Server((h, p) => (h === 'client3.google.com' && p === 80 ? web.port : undefined));
  t.teardown(async () => {
    await socks.close();
    await web.close();
  });
  const cfg = load('haproxy-003-health.cfg', (s) => s.replace('127.0.0.1:11110', `127.0.0.1:${socks.port}`).replace('127.0.0.1:11120', `127.0.0.1:${web.port}`));
  const socksSec = cfg.proxies.find((p) => p.name === 'ha-socks5')!;
  const plan = healthPlan(socksSec.healthCheck);
  t.deepEqual(plan.steps.map((s) => s.kind), ['connect', 'send', 'expect', 'send', 'expect', 'send', 'send', 'send', 'send', 'send', 'expect']);
  const rt = new FakeRuntime(cfg);
  const s1 = rt.server('ha-socks5', 'xxx1');
  t.like(await runProbe({ plan, target: healthTarget(s1), interMs: 2000, serverDown: false }), { status: 'L7OK' });
  const httpSec = cfg.proxies.find((p) => p.name === 'ha-http')!;
  const h1 = rt.server('ha-http', 'xxx1');
  t.like(await runProbe({ plan: healthPlan(httpSec.healthCheck), target: healthTarget(h1), interMs: 2000, serverDown: false }), { status: 'L7OK', code: 204 });
  t.is(web.received.at(-1)!.toString(), 'GET http://client3.google.com/generate_204 HTTP/1.1\r\nHost: client3.google.com\r\nProxy-Authorization: Basic xxxx\r\nProxy-Connection: Keep-Alive\r\nConnection: close\r\n\r\n');
});

test('seed 001 as loaded: httpchk rstatus/send-state/disable-on-404, POP3+IMAP tcp-check, external-check', async (t) => {
  let code = 200;
  const web = await httpServer(() => ({ status: code }));
  const pop = await bannerServer('+OK POP3 ready\r\n');
  const imap = await bannerServer('* OK IMAP4 ready\r\n');
  t.teardown(async () => {
    await web.close();
    await pop.close();
    await imap.close();
  });
  const cfg = load('haproxy-001-backends.cfg', (s) => s
    .replace('tcp-check connect port 110', `tcp-check connect port ${pop.port}`)
    .replace('tcp-check connect port 143', `tcp-check connect port ${imap.port}`)
    .replace('server mail 10.0.0.1 check', 'server mail 127.0.0.1 check')
    .replace('http-check disable-on-404', `http-check disable-on-404\n    server web 127.0.0.1:${web.port} check`)
    .replace('external-check path "/usr/bin:/bin"', 'external-check path "/usr/bin:/bin"\n    server ext 127.0.0.1:9 check'));
  const rt = new FakeRuntime(cfg);
  const httpBe = cfg.proxies.find((p) => p.name === 'be_httpchk')!;
  t.true(httpBe.healthCheck.sendState && httpBe.healthCheck.disableOn404);
  const plan = healthPlan(httpBe.healthCheck);
  const srv = rt.backends.get('be_httpchk')!.servers[0]!;
  const be = rt.backends.get('be_httpchk')!;
  const go = () => runProbe({ plan, target: healthTarget(srv), interMs: 2000, serverDown: false, extraHeaders: () => [['X-Haproxy-Server-State', sendStateValue(srv, be, 'lb1')]] });
  t.like(await go(), { status: 'L7OK', code: 200 });
  t.regex(web.received.at(-1)!.toString(), /^GET \/ HTTP\/1\.0\r\nX-Haproxy-Server-State: .*; name=be_httpchk\//);
  code = 404;
  t.like(await go(), { status: 'L7OKC' });
  code = 500;
  t.like(await go(), { status: 'L7STS', code: 500 });
  const mail = rt.server('be_tcpcheck', 'mail');
  t.like(await runProbe({ plan: healthPlan(cfg.proxies.find((p) => p.name === 'be_tcpcheck')!.healthCheck), target: healthTarget(mail), interMs: 2000, serverDown: false }), { status: 'L7OK' });
  const ext = cfg.proxies.find((p) => p.name === 'be_extcheck')!;
  t.deepEqual(ext.healthCheck.external, { command: '/bin/true', path: '/usr/bin:/bin' });
  t.true(cfg.global.externalCheck);
  const es = rt.backends.get('be_extcheck')!.servers[0]!;
  t.like(await runExternalCheck({ command: ext.healthCheck.external!.command, path: ext.healthCheck.external!.path, section: ext, server: es, timeoutMs: 2000 }), { status: 'PROCOK' });
});
