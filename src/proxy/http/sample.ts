// AclSample over a parsed request head + the connection's addresses (one object per client connection, reused).
import type { AclSample } from '../acl/sample.js';
import type { HttpHead } from './head.js';

export class RequestSample implements AclSample {
  head: HttpHead | undefined;
  constructor(
    readonly srcIp: string,
    readonly srcPort: number,
    readonly dstIp: string,
    readonly dstPort: number,
  ) {}

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
