// The check engine against real loopback servers: each kind healthy, then broken the way the check detects.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runProbe, type ProbeInput } from '../../../src/proxy/check/engine.js';
import { agentPlan, healthPlan, healthTarget, sendStateValue } from '../../../src/proxy/check/plan.js';
import type { CheckRule } from '../../../src/proxy/types.js';
import { FakeRuntime, healthCheck, section, serverConfig } from '../../helpers/check-fixtures.js';
import { agentServer, bannerServer, closedPort, httpServer, socks5Server, tcpServer } from '../../helpers/check-servers.js';
import { tmpDir } from '../../helpers/paths.js';

const where = { file: 'seed.cfg', line: 1 };
const probe = (p: Omit<ProbeInput, 'serverDown' | 'interMs'> & Partial<ProbeInput>) => runProbe({ interMs: 2000, serverDown: false, ...p });

test('plain TCP connect: L4OK, then L4CON once the port is closed', async (t) => {
  const srv = await tcpServer((s) => s.end());
  const plan = healthPlan(healthCheck());
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: srv.port } }), { status: 'L4OK' });
  await srv.close();
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: srv.port } }), { status: 'L4CON', info: 'Connection refused' });
});

test('option httpchk: 2xx/3xx pass, 5xx is L7STS with the code, expect string, disable-on-404', async (t) => {
  let status = 200;
  let body = 'test me';
  const srv = await httpServer(() => ({ status, body }));
  t.teardown(() => srv.close());
  const target = { host: '127.0.0.1', port: srv.port };
  const get = healthCheck({ type: 'http', httpRequest: { method: 'GET', uri: '/', version: 'HTTP/1.0', headers: [] } });
  t.like(await probe({ plan: healthPlan(get), target }), { status: 'L7OK', code: 200 });
  t.regex(srv.received.at(-1)!.toString(), /^GET \/ HTTP\/1\.0\r\n\r\n$/);
  status = 302;
  t.like(await probe({ plan: healthPlan(get), target }), { status: 'L7OK', code: 302 });
  status = 503;
  t.like(await probe({ plan: healthPlan(get), target }), { status: 'L7STS', code: 503 });
  // seed 000's curl|grep "test me", as an http-check expect string
  status = 200;
  const withString = { ...get, rules: [{ kind: 'expect', negate: false, match: 'string', pattern: 'test me', where } as CheckRule] };
  t.like(await probe({ plan: healthPlan(withString), target }), { status: 'L7OK' });
  body = 'it works';
  t.like(await probe({ plan: healthPlan(withString), target }), { status: 'L7RSP', code: 200 });
  const rstatus = { ...get, rules: [{ kind: 'expect', negate: false, match: 'rstatus', pattern: '^[23]', where } as CheckRule] };
  status = 404;
  t.like(await probe({ plan: healthPlan(rstatus), target }), { status: 'L7STS', code: 404 });
  const on404 = { ...rstatus, disableOn404: true };
  t.like(await probe({ plan: healthPlan(on404), target }), { status: 'L7OKC', code: 404 });
  t.like(await probe({ plan: healthPlan(on404), target, serverDown: true }), { status: 'L7STS', code: 404 });
});

test('seed 003 httpchk request line with escaped headers goes out as configured; default is OPTIONS / HTTP/1.0', async (t) => {
  const srv = await httpServer(() => ({ status: 204 }));
  t.teardown(() => srv.close());
  const hc = healthCheck({
    type: 'http',
    httpRequest: {
      method: 'GET', uri: 'http://client3.google.com/generate_204', version: 'HTTP/1.1',
      headers: [['Host', 'client3.google.com'], ['Proxy-Authorization', 'Basic xxxx'], ['Proxy-Connection', 'Keep-Alive']],
    },
  });
  t.like(await probe({ plan: healthPlan(hc), target: { host: '127.0.0.1', port: srv.port } }), { status: 'L7OK', code: 204 });
  t.is(srv.received.at(-1)!.toString(), 'GET http://client3.google.com/generate_204 HTTP/1.1\r\nHost: client3.google.com\r\n' +
    'Proxy-Authorization: Basic xxxx\r\nProxy-Connection: Keep-Alive\r\nConnection: close\r\n\r\n');
  await probe({ plan: healthPlan(healthCheck({ type: 'http' })), target: { host: '127.0.0.1', port: srv.port } });
  t.is(srv.received.at(-1)!.toString(), 'OPTIONS / HTTP/1.0\r\n\r\n');
});

test('http-check send-state: the exact X-Haproxy-Server-State header', async (t) => {
  const srv = await httpServer(() => ({ status: 200 }));
  t.teardown(() => srv.close());
  const hc = healthCheck({ type: 'http', sendState: true });
  const rt = FakeRuntime.of([section({ name: 'be', healthCheck: hc, servers: [serverConfig({ name: 'a2', port: srv.port, check: true, weight: 2 })] })]);
  const be = rt.backends.get('be')!;
  const s = rt.server('be', 'a2');
  s.check = { enabled: true, health: 2, rise: 2, fall: 3, status: 'INI', desc: '', running: false };
  await probe({ plan: healthPlan(hc), target: healthTarget(s), extraHeaders: () => [['X-Haproxy-Server-State', sendStateValue(s, be, 'vm')]] });
  t.regex(srv.received.at(-1)!.toString(), new RegExp(`\r\nX-Haproxy-Server-State: UP 1/3; address=127\\.0\\.0\\.1; port=${srv.port}; name=be/a2; node=vm; weight=2/2; scur=0/0; qcur=0\r\n`));
  s.check = { ...s.check, health: 4 };
  s.op = 'stopping';
  t.regex(sendStateValue(s, be, 'vm'), /^NOLB; /);
  s.op = 'down';
  s.check = { ...s.check, health: 1 };
  t.regex(sendStateValue(s, be, 'vm'), /^DOWN 1\/2; /);
  s.check = { ...s.check, enabled: false };
  t.regex(sendStateValue(s, be, 'vm'), /^no check; /);
});

function socksRules(): CheckRule[] {
  const hex = (h: string) => Buffer.from(h, 'hex');
  const send = (s: string): CheckRule => ({ kind: 'send', data: Buffer.from(s, 'latin1'), where });
  return [
    { kind: 'connect', isDefault: false, where },
    { kind: 'send', data: hex('05020001'), where },
    { kind: 'expect', negate: false, match: 'binary', pattern: '0500', where },
    { kind: 'send', data: hex('0501000312636c69656e74332e676f6f676c652e636f6d0050'), where },
    { kind: 'expect', negate: false, match: 'binary', pattern: '050000010000000006b5', where },
    send('GET /generate_204 HTTP/1.1\r\n'),
    send('Host: client3.google.com\r\n'),
    send('User-Agent: curl/7.54.0\r\n'),
    send('Accept: */*\r\n'),
    send('\r\n'),
    { kind: 'expect', negate: false, match: 'rstring', pattern: '^HTTP/1.1 204', where },
  ];
}

test('seed 003 tcp-check SOCKS5 sequence against a real SOCKS5 proxy: pass, then wrong greeting and wrong status fail', async (t) => {
  let code = 204;
  const web = await httpServer(() => ({ status: code, reason: 'No Content' }));
  const table = (host: string, port: number) => (host === 'client3.google.com' && port === 80 ? web.port : undefined);
  const socks = await socks5Server(table);
  const broken = await socks5Server(table, { brokenGreeting: true });
  t.teardown(async () => {
    await web.close();
    await socks.close();
    await broken.close();
  });
  const plan = healthPlan(healthCheck({ type: 'tcp-check', rules: socksRules() }));
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: socks.port } }), { status: 'L7OK', info: '(tcp-check)' });
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: broken.port } }), { status: 'L7RSP', info: "TCPCHK did not match binary pattern '0500' at step 3" });
  code = 200;
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: socks.port } }), { status: 'L7RSP', info: "TCPCHK did not match content '^HTTP/1.1 204' at step 11" });
});

test('seed 001 POP3 + IMAP two-port tcp-check: pass, wrong banner, IMAP down', async (t) => {
  let imapBanner = '* OK IMAP4 ready\r\n';
  const pop = await bannerServer('+OK POP3 ready\r\n');
  const imap = await tcpServer((s) => s.write(imapBanner));
  t.teardown(async () => {
    await pop.close();
    await imap.close();
  });
  const rules: CheckRule[] = [
    { kind: 'connect', port: pop.port, isDefault: false, where },
    { kind: 'expect', negate: false, match: 'string', pattern: '+OK POP3 ready', where },
    { kind: 'connect', port: imap.port, isDefault: false, where },
    { kind: 'send', data: Buffer.from('test'), where },
    { kind: 'expect', negate: false, match: 'string', pattern: '* OK IMAP4 ready', where },
  ];
  const plan = healthPlan(healthCheck({ type: 'tcp-check', rules }));
  const target = { host: '127.0.0.1' }; // `server mail 10.0.0.1 check`: no port, every connect names one
  t.like(await probe({ plan, target }), { status: 'L7OK' });
  imapBanner = '* BYE overloaded\r\n';
  t.like(await probe({ plan, target, interMs: 500 }), { status: 'L7TOUT' }); // banner never matches, peer stays open
  await imap.close();
  t.like(await probe({ plan, target }), { status: 'L4CON', info: `Connection refused at step 3 of tcp-check (connect port ${imap.port})` });
});

test('hanging targets time out: within inter without timeout check, within timeout check once connected', async (t) => {
  const silent = await tcpServer(() => undefined);
  t.teardown(() => silent.close());
  const expectRules: CheckRule[] = [{ kind: 'expect', negate: false, match: 'string', pattern: 'hello', where }];
  const plan = healthPlan(healthCheck({ type: 'tcp-check', rules: expectRules }));
  const target = { host: '127.0.0.1', port: silent.port };
  let t0 = performance.now();
  t.like(await probe({ plan, target, interMs: 300 }), { status: 'L7TOUT' });
  const d1 = performance.now() - t0;
  t.true(d1 >= 250 && d1 < 2000, `took ${d1}`);
  t0 = performance.now();
  t.like(await probe({ plan, target, interMs: 10_000, connectTimeoutMs: 1000, checkTimeoutMs: 200 }), { status: 'L7TOUT' });
  t.true(performance.now() - t0 < 3000);
  const http = healthPlan(healthCheck({ type: 'http' }));
  t.like(await probe({ plan: http, target, interMs: 300 }), { status: 'L7TOUT' });
});

test('agent reads one line; hold-open, silence, 1 MB floods and binary are all handled', async (t) => {
  const agent = await agentServer({ kind: 'reply', text: 'up 75%\n' });
  t.teardown(() => agent.close());
  const plan = agentPlan(serverConfig({ name: 'a', agentCheck: true, agentPort: agent.port }));
  const target = { host: '127.0.0.1', port: agent.port };
  t.like(await probe({ plan, target }), { status: 'L7OK', agentLine: 'up 75%' });
  agent.set({ kind: 'hold', text: 'drain\r\n' });
  t.like(await probe({ plan, target }), { agentLine: 'drain' });
  agent.set({ kind: 'silent' });
  t.like(await probe({ plan, target, interMs: 300 }), { status: 'L7TOUT' });
  agent.set({ kind: 'reply', text: 'down' });
  t.like(await probe({ plan, target }), { agentIncomplete: true, info: 'Ignoring incomplete line from agent' });
  agent.set({ kind: 'flood', bytes: 1024 * 1024 });
  t.like(await probe({ plan, target }), { agentIncomplete: true });
  agent.set({ kind: 'binary', data: Buffer.from([0, 1, 2, 0xff, 0x0a]) });
  t.like(await probe({ plan, target }), { status: 'L7OK', agentLine: '\x00\x01\x02\xff' });
  const withSend = agentPlan(serverConfig({ name: 'a', agentCheck: true, agentPort: agent.port, agentSend: 'hello\n' }));
  agent.set({ kind: 'reply', text: 'up\n' });
  await probe({ plan: withSend, target });
  await new Promise((r) => setTimeout(r, 50));
  t.is(agent.received.at(-1)!.toString(), 'hello\n');
  await agent.close();
  t.like(await probe({ plan, target: { host: '127.0.0.1', port: await closedPort() } }), { status: 'L4CON' });
});

test('external-check: haproxy argv and replaced environment; exit 0 / 1 / timeout', async (t) => {
  const { runExternalCheck } = await import('../../../src/proxy/check/external.js');
  const dir = tmpDir('hapair-ext-');
  const out = path.join(dir, 'out.txt');
  const script = path.join(dir, 'check.sh');
  fs.writeFileSync(script, `#!/bin/sh\necho "$@" > ${out}\nenv | sort >> ${out}\n[ -f ${dir}/fail ] && exit 1\n[ -f ${dir}/hang ] && exec sleep 5\nexit 0\n`, { mode: 0o755 });
  const sec = section({ name: 'be', id: 7, binds: [{ host: '127.0.0.1', port: 8080, v4v6: false, where }], servers: [serverConfig({ name: 's1', id: 3, port: 8081, maxconn: 9 })] });
  const rt = FakeRuntime.of([sec]);
  const server = rt.server('be', 's1');
  const run = (timeoutMs = 2000) => runExternalCheck({ command: script, path: '/usr/bin:/bin', section: sec, server, timeoutMs });
  t.like(await run(), { status: 'PROCOK' });
  const text = fs.readFileSync(out, 'utf8');
  t.is(text.split('\n')[0], '127.0.0.1 8080 127.0.0.1 8081');
  for (const kv of ['HAPROXY_PROXY_NAME=be', 'HAPROXY_PROXY_ID=7', 'HAPROXY_SERVER_NAME=s1', 'HAPROXY_SERVER_ID=3', 'HAPROXY_SERVER_PORT=8081', 'HAPROXY_SERVER_MAXCONN=9', 'PATH=/usr/bin:/bin']) {
    t.true(text.includes(kv), kv);
  }
  t.false(text.includes('HOME='), 'the environment is replaced, not inherited');
  fs.writeFileSync(path.join(dir, 'fail'), '');
  t.like(await run(), { status: 'PROCERR', info: 'exit code 1' });
  fs.rmSync(path.join(dir, 'fail'));
  fs.writeFileSync(path.join(dir, 'hang'), '');
  const t0 = performance.now();
  t.like(await run(300), { status: 'PROCTOUT' });
  t.true(performance.now() - t0 < 3000);
  t.like(await runExternalCheck({ command: '/nonexistent/x', path: '', section: sec, server, timeoutMs: 500 }), { status: 'PROCERR' });
});
