// Cookie persistence tables (haproxy.md §5.6): request parsing/stripping and response Set-Cookie/Cache-control.
import test from 'ava';
import { applyResponseCookie, parseRequestCookies, responseCacheable, type CookieServer, type ResponseCookieInput } from '../../../src/proxy/backend/cookie.js';
import type { CookieConfig } from '../../../src/proxy/types.js';

const READY = { forcedMaint: false, configMaint: false, forcedDrain: false };
const SERVERS: CookieServer[] = [
  { name: 'a1', cookie: 'A', op: 'up', admin: READY },
  { name: 'a2', cookie: 'B', op: 'down', admin: READY },
  { name: 'a3', cookie: 'C', op: 'up', admin: { ...READY, forcedMaint: true } },
  { name: 'a4', cookie: 'D', op: 'up', admin: { ...READY, forcedDrain: true } },
  { name: 'a5', op: 'up', admin: READY },
  { name: 'a6', cookie: 'A', op: 'up', admin: READY },
];
const cfg = (x: Partial<CookieConfig> = {}): Omit<CookieConfig, 'where'> => ({
  name: 'SRV', mode: 'insert', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false, secure: false, domains: [], ...x,
});

const REQ: [string, Partial<CookieConfig>, string[], boolean, { server?: string; status: string; headers: string[] }][] = [
  ['no cookie', {}, ['a=1'], false, { status: 'none', headers: ['a=1'] }],
  ['valid: first declared server with that value', {}, ['a=1; SRV=A'], false, { server: 'a1', status: 'valid', headers: ['a=1; SRV=A'] }],
  ['insert indirect strips it', { indirect: true }, ['a=1; SRV=A; b=2'], false, { server: 'a1', status: 'valid', headers: ['a=1; b=2'] }],
  ['indirect: a header holding only our cookie disappears', { indirect: true }, ['SRV=A', 'x=y'], false, { server: 'a1', status: 'valid', headers: ['x=y'] }],
  ['DOWN server ignored', {}, ['SRV=B'], false, { status: 'down', headers: ['SRV=B'] }],
  ['DOWN server kept with option persist', {}, ['SRV=B'], true, { server: 'a2', status: 'valid', headers: ['SRV=B'] }],
  ['MAINT server ignored', {}, ['SRV=C'], false, { status: 'down', headers: ['SRV=C'] }],
  ['DRAIN server still gets its clients', {}, ['SRV=D'], false, { server: 'a4', status: 'valid', headers: ['SRV=D'] }],
  ['unknown value', {}, ['SRV=Z'], false, { status: 'invalid', headers: ['SRV=Z'] }],
  ['dates after | ignored (maxidle/maxlife format)', {}, ['SRV=A|abc|def'], false, { server: 'a1', status: 'valid', headers: ['SRV=A|abc|def'] }],
  ['prefix mode strips the prefix', { mode: 'prefix' }, ['JSESSIONID=1; SRV=A~xyz123'], false, { server: 'a1', status: 'valid', headers: ['JSESSIONID=1; SRV=xyz123'] }],
  ['prefix without delimiter: unknown', { mode: 'prefix' }, ['SRV=xyz'], false, { status: 'invalid', headers: ['SRV=xyz'] }],
  ['rewrite mode leaves the request cookie', { mode: 'rewrite', indirect: true }, ['SRV=A'], false, { server: 'a1', status: 'valid', headers: ['SRV=A'] }],
  ['first occurrence wins', {}, ['SRV=Z; SRV=A'], false, { status: 'invalid', headers: ['SRV=Z; SRV=A'] }],
];
for (const [title, c, headers, persist, want] of REQ) {
  test(`request cookie: ${title}`, (t) => t.like(parseRequestCookies(cfg(c), headers, SERVERS, persist), want));
}

const resp = (x: Partial<ResponseCookieInput>): ResponseCookieInput => ({
  cfg: cfg(), server: { name: 'a1', cookie: 'A' }, request: { status: 'none' }, method: 'GET', setCookies: [], ...x,
});

const RESP: [string, ResponseCookieInput, string[], boolean][] = [
  ['insert when the client has none', resp({}), ['SRV=A; path=/'], false],
  ['nothing when the client already has this server', resp({ request: { status: 'valid', value: 'A' } }), [], false],
  ['insert when the client was sent elsewhere (down cookie)', resp({ request: { status: 'down', value: 'B' } }), ['SRV=A; path=/'], false],
  ['attributes: domain(s), HttpOnly, Secure', resp({ cfg: cfg({ domains: ['.example.com', 'b.org'], httponly: true, secure: true }) }), ['SRV=A; path=/; domain=.example.com; domain=b.org; HttpOnly; Secure'], false],
  ['nocache adds Cache-control: private when inserting', resp({ cfg: cfg({ nocache: true }) }), ['SRV=A; path=/'], true],
  ['nocache: nothing inserted, nothing added', resp({ cfg: cfg({ nocache: true }), request: { status: 'valid', value: 'A' } }), [], false],
  ['nocache only on cacheable responses', resp({ cfg: cfg({ nocache: true }), cacheable: false }), ['SRV=A; path=/'], false],
  ['postonly: not on GET', resp({ cfg: cfg({ postonly: true }) }), [], false],
  ['postonly: on POST', resp({ cfg: cfg({ postonly: true }), method: 'POST' }), ['SRV=A; path=/'], false],
  ['server without cookie value: deletion cookie if the client sent one', resp({ server: { name: 'a5' }, request: { status: 'invalid', value: 'Z' } }), ['SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/'], false],
  ['server without cookie value, client sent none: nothing', resp({ server: { name: 'a5' } }), [], false],
  ['insert removes the server\'s own cookie of that name', resp({ setCookies: ['SRV=app; path=/x', 'other=1'] }), ['other=1', 'SRV=A; path=/'], false],
  ['preserve keeps the server\'s cookie and does not insert', resp({ cfg: cfg({ preserve: true }), setCookies: ['SRV=; Max-Age=0'] }), ['SRV=; Max-Age=0'], false],
  ['prefix rewrites the server cookie', resp({ cfg: cfg({ mode: 'prefix' }), setCookies: ['SRV=sess42; path=/; HttpOnly'] }), ['SRV=A~sess42; path=/; HttpOnly'], false],
  ['rewrite replaces the value', resp({ cfg: cfg({ mode: 'rewrite', nocache: true }), setCookies: ['SRV=whatever; path=/'] }), ['SRV=A; path=/'], true],
  ['rewrite indirect: client already valid -> server cookie removed', resp({ cfg: cfg({ mode: 'rewrite', indirect: true }), request: { status: 'valid', value: 'A' }, setCookies: ['SRV=x'] }), [], false],
  ['rewrite without server cookie from the app: nothing', resp({ cfg: cfg({ mode: 'rewrite' }) }), [], false],
];
for (const [title, input, want, cc] of RESP) {
  test(`response cookie: ${title}`, (t) => {
    const r = applyResponseCookie(input);
    t.deepEqual(r.setCookies, want);
    t.is(r.cacheControlPrivate, cc);
  });
}

// responseCacheable: rows observed on haproxy 2.6.12 with `cookie SRV insert nocache` (was `Cache-control: private`
// added?) for the given request method, response status and response headers.
const CACHE: [string, number, Record<string, string[]>, boolean][] = [
  ['GET', 200, {}, false],
  ['GET', 200, { 'cache-control': ['max-age=60'] }, true],
  ['HEAD', 200, { 'cache-control': ['max-age=60'] }, true],
  ['POST', 200, { 'cache-control': ['max-age=60'] }, false],
  ['POST', 200, { 'last-modified': ['Wed, 21 Oct 2015 07:28:00 GMT'] }, false],
  ['GET', 200, { 'cache-control': ['public'] }, false],
  ['GET', 200, { 'cache-control': ['public, max-age=5'] }, true],
  ['GET', 200, { 'cache-control': ['s-maxage=5'] }, true],
  ['GET', 200, { 'cache-control': ['Max-Age=5'] }, true],
  ['GET', 200, { 'cache-control': ['max-age=0'] }, false],
  ['GET', 200, { 'cache-control': ['no-store, max-age=5'] }, false],
  ['GET', 200, { 'cache-control': ['PRIVATE, max-age=5'] }, false],
  ['GET', 200, { 'cache-control': ['no-cache'] }, false],
  ['GET', 200, { 'cache-control': ['no-cache="set-cookie", max-age=5'] }, true],
  ['GET', 200, { 'last-modified': ['Wed, 21 Oct 2015 07:28:00 GMT'] }, true],
  ['GET', 200, { etag: ['"x"'] }, true],
  ['GET', 200, { expires: ['Wed, 21 Oct 2030 07:28:00 GMT'] }, true],
  ['GET', 200, { expires: ['0'] }, true],
  ['GET', 200, { pragma: ['no-cache'], 'cache-control': ['max-age=5'] }, false],
  ['GET', 200, { vary: ['*'], 'cache-control': ['max-age=60'] }, true],
  ['GET', 200, { 'set-cookie': ['a=b'], 'cache-control': ['max-age=60'] }, true],
  ...[203, 204, 206, 300, 301, 404, 405, 410, 414, 501].map((s): [string, number, Record<string, string[]>, boolean] => ['GET', s, { 'cache-control': ['max-age=60'] }, true]),
  ...[201, 202, 302, 307, 308, 500, 503].map((s): [string, number, Record<string, string[]>, boolean] => ['GET', s, { 'cache-control': ['max-age=60'] }, false]),
  ['GET', 302, { 'last-modified': ['Wed, 21 Oct 2015 07:28:00 GMT'] }, false],
  ['GET', 404, { 'last-modified': ['Wed, 21 Oct 2015 07:28:00 GMT'] }, true],
];
for (const [method, status, headers, want] of CACHE) {
  test(`cacheable (haproxy 2.6): ${method} ${status} ${JSON.stringify(headers)} -> ${want}`, (t) => {
    const header = (n: string): string[] => headers[n] ?? [];
    t.is(responseCacheable(method, status, header), want);
    // Through applyResponseCookie: nocache adds `Cache-control: private` only to cacheable responses.
    const r = applyResponseCookie(resp({ cfg: cfg({ nocache: true }), method, status, header }));
    t.is(r.cacheControlPrivate, want);
  });
}
