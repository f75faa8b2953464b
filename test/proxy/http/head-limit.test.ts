// tune.bufsize / tune.maxrewrite set the room an HTTP head may use, as in haproxy: a 20 KB cookie header is refused
// with 431 at the defaults (16384 - 1024) and forwarded once tune.bufsize is 32768; a response head is bounded too.
import test from 'ava';
import { startInProcess } from '../../helpers/proxy-harness.js';
import { startRawServer } from '../../helpers/proxy-servers.js';
import { rawExchange } from '../../helpers/proxy-client.js';

const config = (tune: string, port: number) => `global
${tune}
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen px
  bind 127.0.0.1:@PORT
  server app 127.0.0.1:${port}
`;

test('tune.bufsize raises the head limit for requests and responses; the default refuses a 20 KB header', async (t) => {
  // A raw server (Node's http server has its own 16 KB header limit): answers once the head is in.
  const app = await startRawServer((s) => {
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      const big = got.startsWith('GET /big ') ? `x-big: ${'b'.repeat(20_000)}\r\n` : '';
      s.end(`HTTP/1.1 200 OK\r\n${big}content-length: 3\r\nconnection: close\r\n\r\nok\n`);
    });
  });
  t.teardown(() => app.close());
  const cookie = `GET / HTTP/1.1\r\nHost: x\r\nCookie: a=${'c'.repeat(20_000)}\r\nConnection: close\r\n\r\n`;
  const bigResponse = 'GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  for (const [tune, request, response] of [['', 431, 502], ['  tune.bufsize 32768', 200, 200]] as const) {
    const px = await startInProcess(config(tune, app.port));
    try {
      t.regex((await rawExchange(px.port('px'), cookie, { waitMs: 500 })).text, new RegExp(`^HTTP/1\\.1 ${request} `), `request head, '${tune.trim() || 'defaults'}'`);
      t.regex((await rawExchange(px.port('px'), bigResponse, { waitMs: 500 })).text, new RegExp(`^HTTP/1\\.1 ${response} `), `response head, '${tune.trim() || 'defaults'}'`);
    } finally {
      await px.close();
    }
  }
});
