// Demo web backend (child process inside its lab namespace): answers which backend served the request.
// Run: node web.js NAME IP PORT. Prints one JSON line {"event":"listening"} once ready.
import http from 'node:http';

function main(): void {
  const [name, host, portText] = process.argv.slice(2);
  if (!name || !host || !portText) {
    process.stderr.write('usage: web.js NAME IP PORT\n');
    process.exit(2);
  }
  let served = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    served += 1;
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
    res.end(`Hello from ${name} (${host}), request #${served}\n`);
  });
  server.on('error', (err) => {
    process.stdout.write(JSON.stringify({ event: 'error', message: err.message }) + '\n');
    process.exit(1);
  });
  server.listen(Number(portText), host, () => process.stdout.write(JSON.stringify({ event: 'listening', name, host, port: Number(portText) }) + '\n'));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
