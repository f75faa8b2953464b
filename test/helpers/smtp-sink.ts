// A real SMTP server process for notify tests (smtp-server): AUTH, STARTTLS/implicit TLS, scripted 4xx/5xx, maildir.
// Run: node smtp-sink.js '<json SinkOptions>'; prints one JSON line per event on stdout (listening, auth, message, reject).
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SinkRule {
  readonly stage: 'mail' | 'rcpt' | 'data';
  readonly addr?: string; // match on the envelope address (rcpt/mail); any when absent
  readonly code: number; // 4xx / 5xx reply
  readonly message?: string;
  readonly times?: number; // apply to the first N matches only (default: always)
}

export interface SinkOptions {
  readonly port: number;
  readonly host?: string;
  readonly maildir: string;
  readonly auth?: { readonly user: string; readonly pass: string; readonly methods?: string[] };
  readonly tls?: { readonly key: string; readonly cert: string; readonly implicit?: boolean };
  readonly rules?: readonly SinkRule[];
  readonly dataDelayMs?: number; // wait this long before answering the end of DATA
  readonly silent?: boolean; // accept TCP but never send the greeting (timeout tests)
  /** An alert spool: at MAIL FROM, the Message-IDs in <spoolDir>/msg are recorded (spooled-before-send proof). */
  readonly spoolDir?: string;
}

/** Message-IDs of the alerts in a spool's msg/ directory right now. */
function spooledIds(spoolDir: string): string[] {
  const dir = path.join(spoolDir, 'msg');
  const ids: string[] = [];
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!f.endsWith('.json')) continue;
    try {
      ids.push(String((JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { messageId?: unknown }).messageId));
    } catch {
      /* being written or removed right now */
    }
  }
  return ids;
}

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function main(): void {
  const opts = JSON.parse(process.argv[2] ?? '{}') as SinkOptions;
  fs.mkdirSync(opts.maildir, { recursive: true });
  const counts = new Map<SinkRule, number>();
  let seq = 0;
  const atMail = new Map<string, string[]>(); // session id -> Message-IDs spooled when MAIL FROM arrived
  const ruleFor = (stage: SinkRule['stage'], addr?: string): SinkRule | undefined => {
    for (const r of opts.rules ?? []) {
      if (r.stage !== stage || (r.addr !== undefined && r.addr !== addr)) continue;
      const n = counts.get(r) ?? 0;
      if (r.times !== undefined && n >= r.times) continue;
      counts.set(r, n + 1);
      return r;
    }
    return undefined;
  };
  const fail = (r: SinkRule, addr?: string): Error => {
    emit({ event: 'reject', stage: r.stage, code: r.code, addr });
    return Object.assign(new Error(r.message ?? (r.code >= 500 ? 'Rejected by test rule' : 'Try again later (test rule)')), { responseCode: r.code });
  };
  const tlsOpts = opts.tls ? { key: fs.readFileSync(opts.tls.key), cert: fs.readFileSync(opts.tls.cert) } : {};
  const config: SMTPServerOptions = {
    ...tlsOpts,
    secure: opts.tls?.implicit === true,
    hideSTARTTLS: !opts.tls,
    disabledCommands: opts.tls ? [] : ['STARTTLS'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    authMethods: opts.auth?.methods ?? ['PLAIN', 'LOGIN'],
    logger: false,
    banner: 'hapair test sink',
    onAuth(auth, _session, cb) {
      const ok = !!opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass;
      emit({ event: 'auth', method: auth.method, user: auth.username, ok });
      if (!ok) return cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      cb(null, { user: auth.username });
    },
    onMailFrom(addr, session, cb) {
      if (opts.spoolDir) atMail.set(session.id, spooledIds(opts.spoolDir));
      const r = ruleFor('mail', addr.address);
      cb(r ? fail(r, addr.address) : null);
    },
    onRcptTo(addr, _s, cb) {
      const r = ruleFor('rcpt', addr.address);
      cb(r ? fail(r, addr.address) : null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((a) => a.address);
        const r = ruleFor('data', to[0]);
        if (r) return cb(fail(r, to[0]));
        const finish = () => {
          seq += 1;
          const file = path.join(opts.maildir, `${Date.now()}-${process.pid}-${seq}.eml`);
          fs.writeFileSync(file, Buffer.concat(chunks));
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const spooled = atMail.get(session.id);
          emit({ event: 'message', seq, file, from, to, secure: session.secure, user: session.user ?? null, helo: session.hostNameAppearsAs, ...(spooled ? { spooledAtMail: spooled } : {}) });
          cb(null, `queued as ${seq}`);
        };
        if (opts.dataDelayMs) setTimeout(finish, opts.dataDelayMs);
        else finish();
      });
    },
  };
  if (opts.silent) {
    // Swallow the connection without a greeting: nodemailer's greeting timeout must fire.
    void import('node:net').then(({ default: net }) => {
      const srv = net.createServer(() => undefined);
      srv.listen(opts.port, opts.host ?? '127.0.0.1', () => emit({ event: 'listening', port: (srv.address() as { port: number }).port }));
    });
    return;
  }
  const server = new SMTPServer(config);
  server.on('error', (err) => emit({ event: 'error', message: err.message }));
  server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
    const a = server.server.address();
    emit({ event: 'listening', port: typeof a === 'object' && a ? a.port : opts.port });
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
