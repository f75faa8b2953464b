// Generates a throw-away CA and a server certificate for 127.0.0.1/localhost with openssl (for STARTTLS tests).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestPki {
  readonly caFile: string;
  readonly keyFile: string;
  readonly certFile: string;
  /** A second, unrelated CA: verifying the server against it must fail. */
  readonly otherCaFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const days = ['-days', '2'];
  for (const name of ['ca', 'other']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, ...days, '-subj', `/CN=hapair test ${name} CA`], dir);
  }
  fs.writeFileSync(path.join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', ...days, '-extfile', 'san.cnf'], dir);
  return { caFile: path.join(dir, 'ca.pem'), keyFile: path.join(dir, 'server.key'), certFile: path.join(dir, 'server.pem'), otherCaFile: path.join(dir, 'other.pem') };
}
