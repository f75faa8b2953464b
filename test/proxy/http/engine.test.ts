// HTTP engine through the real proxy (in process) and real node:http backends: keep-alive, HTTP/1.0,
// pipelining, chunked bodies both ways, forwardfor variants, HEAD, 1xx, logs.
import test from 'ava';
import http from 'node:http';
import { startInProcess, trafficLogs } from '../../helpers/proxy-harness.js';
import { startHttpBackend, echo } from '../../helpers/proxy-servers.js';
import { rawExchange, parseResponses, request } from '../../helpers/proxy-client.js';

const base = (port: number, extra = '', feExtra = '') => `
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  ${feExtra}
  default_backend app
backend app
  ${extra}
  server s1 127.0.0.1:${port}
`;

test('keep-alive: sequential requests share one client and one server connection; httplog lines', async (t) => {
  const be = await startHttpBackend('b1');
  const px = await startInProcess(base(be.port));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 5; i++) {
      const r = await request(px.port('fe'), `/k${i}`, { agent });
      t.is(r.status, 200);
      t.is(r.body, `b1 GET /k${i} 0\n`);
    }
    t.is(be.connections, 1);
    const logs = trafficLogs(px.logs);
    t.is(logs.length, 5);
    const l = logs[4]!;
    t.is(l.termination_state, '----');
    t.is(l.backend, 'app');
    t.is(l.server, 's1');
    t.is(l.status, 200);
    t.is(l.request, 'GET /k4 HTTP/1.1');
    t.regex(String(l.msg), /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] fe app\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/\d+\/\d+\/0 0\/0 "GET \/k4 HTTP\/1\.1"$/);
  } finally {
    agent.destroy();
    await px.close();
    await be.close();
  }
});

test('HTTP/1.0: closes unless keep-alive is asked, then answers with Connection: keep-alive', async (t) => {
  const be = await startHttpBackend('b1');
  const px = await startInProcess(base(be.port));
  try {
    const plain = await rawExchange(px.port('fe'), 'GET /a HTTP/1.0\r\n\r\n');
    t.true(plain.closed);
    t.regex(plain.text, /^HTTP\/1\.1 200 OK\r\n/);
    t.true(plain.text.endsWith('b1 GET /a 0\n'));
    const ka = await rawExchange(px.port('fe'), 'GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { waitMs: 300 });
    t.false(ka.closed);
    const [r] = parseResponses(ka.text);
    t.is(r!.headers.connection, 'keep-alive');
    t.is(r!.body, 'b1 GET /b 0\n');
  } finally {
    await px.close();
    await be.close();
  }
});

test('pipelined requests are answered in order on one connection', async (t) => {
  const be = await startHttpBackend('b1');
  const px = await startInProcess(base(be.port));
  try {
    const reqs = ['/p1', '/p2', '/p3'].map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const r = await rawExchange(px.port('fe'), reqs + 'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const rs = parseResponses(r.text);
    t.deepEqual(rs.map((x) => x.body), ['b1 GET /p1 0\n', 'b1 GET /p2 0\n', 'b1 GET /p3 0\n', 'b1 GET /last 0\n']);
    t.true(r.closed);
    t.is(rs[3]!.headers.connection, 'close');
  } finally {
    await px.close();
    await be.close();
  }
});

test('chunked request bodies are forwarded and chunked responses streamed back', async (t) => {
  const be = await startHttpBackend('b1', (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      res.write('got ');
      setTimeout(() => res.end(Buffer.concat(parts).toString().toUpperCase()), 20);
    });
  });
  const px = await startInProcess(base(be.port));
  try {
    const body = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const r = await rawExchange(px.port('fe'), [`POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.slice(0, 9)}`, body.slice(9)], { gapMs: 30, waitMs: 400 });
    const [res] = parseResponses(r.text);
    t.is(res!.status, 200);
    t.is(res!.headers['transfer-encoding'], 'chunked');
    t.is(res!.body, 'got HELLO WORLD');
    t.false(r.closed);
  } finally {
    await px.close();
    await be.close();
  }
});

test('option forwardfor: added, except network, if-none, custom header name', async (t) => {
  const be = await startHttpBackend('b1');
  const cases: [string, Record<string, string>, string][] = [
    ['option forwardfor', {}, '127.0.0.1'],
    ['option forwardfor except 127.0.0.0/8', {}, ''],
    ['option forwardfor except 10.0.0.0/8', {}, '127.0.0.1'],
    ['option forwardfor if-none', { 'x-forwarded-for': '1.2.3.4' }, '1.2.3.4'],
    ['option forwardfor', { 'x-forwarded-for': '1.2.3.4' }, '1.2.3.4, 127.0.0.1'],
  ];
  try {
    for (const [opt, headers, expected] of cases) {
      const px = await startInProcess(base(be.port, opt));
      const r = await request(px.port('fe'), '/f', { headers });
      t.is(r.headers['x-got-xff'], expected, opt);
      await px.close();
    }
    const custom = await startInProcess(base(be.port, '', 'option forwardfor header X-Client'));
    const seen = be.seen.length;
    await request(custom.port('fe'), '/h');
    t.is(be.seen[seen]!.headers['x-client'], '127.0.0.1');
    t.is(be.seen[seen]!.headers['x-forwarded-for'], undefined);
    await custom.close();
  } finally {
    await be.close();
  }
});

test('HEAD responses carry no body and keep the connection usable; 204/304 too', async (t) => {
  const be = await startHttpBackend('b1', (req, res) => {
    if (req.url === '/204') res.writeHead(204).end();
    else if (req.url === '/304') res.writeHead(304).end();
    else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
  });
  const px = await startInProcess(base(be.port));
  try {
    const r = await rawExchange(px.port('fe'), 'HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 400 });
    const rs = parseResponses(r.text, 1);
    t.deepEqual(rs.map((x) => x.status), [200, 204, 304, 200]);
    t.is(rs[0]!.headers['content-length'], '5');
    t.is(rs[3]!.body, 'hello');
  } finally {
    await px.close();
    await be.close();
  }
});

test('Expect: 100-continue gets the interim response before the final one', async (t) => {
  const be = await startHttpBackend('b1', echo);
  const px = await startInProcess(base(be.port));
  try {
    const r = await rawExchange(px.port('fe'), ['POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n', 'data'], { gapMs: 100, waitMs: 400 });
    t.regex(r.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    t.true(r.text.endsWith('b1 POST /e 4\n'));
  } finally {
    await px.close();
    await be.close();
  }
});

test('no backend matches: 503 with haproxy page and <NOSRV> in the log', async (t) => {
  const px = await startInProcess(`
defaults
  mode http
  timeout client 5s
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  use_backend nowhere if FALSE
backend nowhere
  server s1 127.0.0.1:1
`);
  try {
    const r = await rawExchange(px.port('fe'), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 300 });
    t.regex(r.text, /^HTTP\/1\.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text\/html\r\n\r\n<html><body><h1>503 Service Unavailable<\/h1>\nNo server is available to handle this request.\n<\/body><\/html>\n$/);
    const l = trafficLogs(px.logs)[0]!;
    t.is(l.server, '<NOSRV>');
    t.is(l.status, 503);
    t.is(String(l.termination_state).slice(0, 2), 'SC');
  } finally {
    await px.close();
  }
});
