// Demo mail server (smtp-server) run inside the lab's mail namespace: accepts the alert mails.
// Prints one JSON line per message. Run: node smtp.js IP PORT.
import { SMTPServer } from 'smtp-server';
import { parseHeaders } from './mail-headers.js';

/** Alerts are a few KB; a bound keeps a runaway sender from filling memory. */
const MAX_MESSAGE = 1024 * 1024;

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function main(): void {
  const [host, portText] = process.argv.slice(2);
  if (!host || !portText) {
    process.stderr.write('usage: smtp.js IP PORT\n');
    process.exit(2);
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    logger: false,
    banner: 'hapair demo mail server',
    size: MAX_MESSAGE,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_MESSAGE) chunks.push(c);
      });
      stream.on('end', () => {
        const h = parseHeaders(Buffer.concat(chunks).toString('utf8'));
        emit({
          event: 'message',
          at: Date.now(),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((a) => a.address),
          from: h.from ?? '',
          subject: h.subject ?? '',
          date: h.date ?? '',
        });
        cb();
      });
    },
  });
  server.on('error', (err) => emit({ event: 'error', message: err.message }));
  server.listen(Number(portText), host, () => emit({ event: 'listening', host, port: Number(portText) }));
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
