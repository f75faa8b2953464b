// A loopback listener for check tests that can go away and come back on the same port (healthy, broken,
// healthy again); it accepts and closes at once and counts the connections it saw.
import net from 'node:net';

export class Toggle {
  private srv: net.Server | undefined;
  /** Connections accepted so far (each one is a probe). */
  connections = 0;
  constructor(public port = 0) {}
  async up(): Promise<void> {
    const srv = net.createServer((s) => {
      this.connections++;
      s.on('error', () => undefined).end();
    });
    await new Promise<void>((r) => srv.listen(this.port, '127.0.0.1', r));
    this.port = (srv.address() as net.AddressInfo).port;
    this.srv = srv;
  }
  async down(): Promise<void> {
    await new Promise<void>((r) => (this.srv ? this.srv.close(() => r()) : r()));
    this.srv = undefined;
  }
}
