// AclSample over a parsed request head + the connection's addresses (one object per client connection, reused).
import type { AclSample } from '../acl/sample.js';
import type { HttpHead } from './head.js';

/** Addresses are read from the socket only when something needs them (getpeername/getsockname are syscalls). */
export class RequestSample implements AclSample {
  head: HttpHead | undefined;
  constructor(private readonly sock: { readonly remoteAddress?: string; readonly remotePort?: number; readonly localAddress?: string; readonly localPort?: number }) {}

  get srcIp(): string {
    return this.sock.remoteAddress ?? '';
  }
  get srcPort(): number {
    return this.sock.remotePort ?? 0;
  }
  get dstIp(): string {
    return this.sock.localAddress ?? '';
  }
  get dstPort(): number {
    return this.sock.localPort ?? 0;
  }

  method(): string | undefined {
    return this.head?.method;
  }
  uri(): string | undefined {
    return this.head?.uri;
  }
  httpMinor(): number | undefined {
    return this.head?.minor;
  }
  headerValues(lowerName: string): readonly string[] {
    return this.head ? this.head.values(lowerName) : [];
  }
  fullHeaderValues(lowerName: string): readonly string[] {
    return this.head ? this.head.fullValues(lowerName) : [];
  }
  contentLength(): number {
    return this.head ? this.head.contentLength : -1;
  }
}
