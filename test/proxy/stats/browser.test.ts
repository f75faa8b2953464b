// The stats page rendered by headless Chromium from the real proxy: screenshot kept as an artifact, state colours
// checked on the rendered rows, and the admin form driven like a person (tick a server, pick MAINT, Apply).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { artifactPath, tmpDir } from '../../helpers/paths.js';
import { runCli } from '../../helpers/proc.js';
import { freePort, namedBackend, startProxy } from '../../helpers/check-proxy.js';

test('stats page in Chromium: screenshot, colours by state, admin form POST + banner', async (t) => {
  const up = await namedBackend('up');
  const statsPort = await freePort();
  const dead = await freePort();
  const proxy = await startProxy(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen stats
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /stats
    stats auth admin:secret
    stats admin if TRUE
backend web
    server web1 127.0.0.1:${up.port} check inter 300
    server web2 127.0.0.1:${dead} check inter 300 fall 1
    server web3 127.0.0.1:${up.port} check inter 300
    server spare 127.0.0.1:${up.port} backup
`);
  t.teardown(async () => {
    await proxy.stop();
    await up.close();
  });
  const ctx = await chromium.launchPersistentContext(tmpDir('hapair-chromium-'), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    httpCredentials: { username: 'admin', password: 'secret' },
    viewport: { width: 1400, height: 800 },
  });
  t.teardown(() => ctx.close());
  const page = await ctx.newPage();
  const url = `http://127.0.0.1:${statsPort}/stats`;
  await proxy.daemon.waitFor((l) => l.event === 'server' && l.server === 'web2' && l.to === 'DOWN', 10_000, 'web2 DOWN');
  await page.goto(url);
  t.regex(await page.title(), /^Statistics Report for /);
  t.is(await page.locator('table.px').count(), 2);
  const bg = (name: string) => page.locator(`#web tr:has(td.name:text-is("${name}")) td.name`).evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
  t.is(await bg('web1'), 'rgb(200, 242, 200)', 'UP is green');
  t.is(await bg('web2'), 'rgb(255, 168, 168)', 'DOWN is red');
  t.is(await bg('spare'), 'rgb(230, 232, 234)', 'backup without check is grey');
  // Drive the admin form: tick web3, choose MAINT, Apply -> 303 -> banner.
  await page.locator('#web input[type=checkbox][value=web3]').check();
  await page.locator('form#f-3 select[name=action], form.admin select[name=action]').first().selectOption('maint');
  await Promise.all([page.waitForURL(/;st=DONE/), page.locator('form.admin button').first().click()]);
  t.is(await page.locator('#result').getAttribute('data-status'), 'DONE');
  t.is(await bg('web3'), 'rgb(217, 160, 102)', 'MAINT is brown');
  const shot = artifactPath('stats-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.true(fs.statSync(shot).size > 10_000, `screenshot at ${path.relative(process.cwd(), shot)}`);
  // No `stats socket` in this config: the runtime API is on <run-dir>/proxy.sock, where `hapair ctl` looks.
  const ctl = await runCli(['ctl', '--run-dir', proxy.dir, 'show servers state web'], { timeoutMs: 20_000 });
  t.regex(ctl.stdout, / web 3 web3 127\.0\.0\.1 0 1 /, ctl.stderr);
});
