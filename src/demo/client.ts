// Demo HTTP client run inside the lab's client namespace: a few GETs, or the open-loop outage probe.
// Two modes, one JSON line per result:
//   node client.js get URL COUNT [--body]          COUNT sequential requests, each on a new connection
//   node client.js probe URL EVERY_MS TIMEOUT_MS MAX_MS   open-loop probe: a new request every EVERY_MS (bounded
//     in flight), until stdin says "stop", stdin closes or MAX_MS passed; then {"event":"done"}.
import http from 'node:http';

interface Outcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly by?: string;
  readonly body?: string;
  readonly err?: string;
  readonly ms: number;
}

/** A probe that waits on a blackholed SYN must not pile up: past this many in flight, ticks are skipped. */
const MAX_IN_FLIGHT = 64;
const MAX_BODY = 256 * 1024;

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

/** One GET on a fresh connection (no keep-alive: every probe goes through ARP/VIP resolution again). */
function get(url: string, timeoutMs: number): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<Outcome, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, ms: Math.round((performance.now() - t0) * 10) / 10 });
    };
    const req = http.get(url, { agent: false, headers: { connection: 'close', 'user-agent': 'hapair-demo-client' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < MAX_BODY) body += c;
      });
      res.on('end', () => {
        const by = res.headers['x-served-by'];
        done({ ok: res.statusCode === 200, status: res.statusCode ?? 0, body, ...(typeof by === 'string' ? { by } : {}) });
      });
      res.on('error', (err) => done({ ok: false, err: err.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, err: 'timeout' });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, err: err.code ?? err.message }));
  });
}

async function getMode(url: string, count: number, withBody: boolean): Promise<void> {
  for (let i = 0; i < Math.min(count, 100); i++) {
    const o = await get(url, 3000);
    emit({ event: 'response', ...o, body: withBody ? o.body : (o.body ?? '').split('\n')[0] });
  }
}

async function probeMode(url: string, everyMs: number, timeoutMs: number, maxMs: number): Promise<void> {
  let inFlight = 0;
  let sent = 0;
  let skipped = 0;
  let ok = 0;
  const end = Date.now() + maxMs;
  let stopped = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c: string) => {
    if (c.includes('stop')) stopped = true;
  });
  process.stdin.on('end', () => (stopped = true));
  const pending = new Set<Promise<void>>();
  emit({ event: 'probing', url, everyMs, timeoutMs });
  while (!stopped && Date.now() < end) {
    if (inFlight < MAX_IN_FLIGHT) {
      const t = Date.now();
      inFlight += 1;
      sent += 1;
      const p: Promise<void> = get(url, timeoutMs).then((o) => {
        inFlight -= 1;
        if (o.ok) ok += 1;
        emit({ event: 'p', t, ok: o.ok, ms: o.ms, ...(o.by ? { by: o.by } : {}), ...(o.err ? { err: o.err } : {}) });
        pending.delete(p);
      });
      pending.add(p);
    } else skipped += 1;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  await Promise.all(pending);
  emit({ event: 'done', sent, ok, failed: sent - ok, skipped });
  process.stdin.destroy();
}

async function main(): Promise<void> {
  const [mode, url, a, b, c] = process.argv.slice(2);
  if (mode === 'get' && url) await getMode(url, Number(a ?? 1), process.argv.includes('--body'));
  else if (mode === 'probe' && url) await probeMode(url, Number(a ?? 15), Number(b ?? 200), Number(c ?? 20_000));
  else {
    process.stderr.write('usage: client.js get URL COUNT [--body] | client.js probe URL EVERY_MS TIMEOUT_MS MAX_MS\n');
    process.exitCode = 2;
  }
}

void main();
