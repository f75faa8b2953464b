// Writes a parsed head onward with edits, zero-copy: unchanged byte ranges of the received head are written as
// slices, dropped lines are skipped, added lines go in one latin1 string, all in one batch (one write or writev).
import type { Conn } from '../io/conn.js';
import { HttpHead, HSLOT, HDR_CONNECTION, HDR_KEEP_ALIVE, HDR_PROXY_CONNECTION } from './head.js';

/** Hop-by-hop lines hapair re-decides on each side (RFC 9110 §7.6.1); bit mask over HDR_* kinds. */
export const HOP_KINDS = (1 << HDR_CONNECTION) | (1 << HDR_KEEP_ALIVE) | (1 << HDR_PROXY_CONNECTION);

const CRLF = '\r\n';

/**
 * Sends `head` minus the header lines whose kind bit is in `dropKinds`, plus `extra` (complete lines, each ending
 * with CRLF), then the empty line, then `rest` if given. Returns the number of bytes queued.
 */
export function writeHead(sock: Conn, head: HttpHead, dropKinds: number, extra: string, rest?: Buffer): number {
  const buf = head.buf;
  const drop = dropKinds & head.kinds;
  if (!head.canonical) {
    // Bare-LF heads are rebuilt with CRLF so the next hop sees one canonical framing.
    const text = head.rebuild(drop ? (i) => (drop & (1 << head.kind[i]!)) !== 0 : undefined) + extra + CRLF;
    return writeBatch(sock, [Buffer.from(text, 'latin1')], rest);
  }
  if (drop === 0 && extra === '') {
    if (!rest) {
      // The common case: the received chunk is exactly the head (no view object to make).
      sock.write(head.start === 0 && head.end === buf.length ? buf : buf.subarray(head.start, head.end));
      return head.end - head.start;
    }
    // Body bytes that follow the head in the same received buffer: one slice (or the chunk itself), one write.
    if (rest.buffer === buf.buffer && rest.byteOffset === buf.byteOffset + head.end) {
      const end = head.end + rest.length;
      sock.write(head.start === 0 && end === buf.length ? buf : buf.subarray(head.start, end));
      return end - head.start;
    }
    return writeBatch(sock, [buf.subarray(head.start, head.end)], rest);
  }
  // Body of the head without its final empty line.
  const bodyEnd = head.end - 2;
  const parts: Buffer[] = [];
  if (drop === 0) parts.push(buf.subarray(head.start, bodyEnd));
  else {
    let from = head.start;
    const h = head.h;
    for (let i = 0; i < head.n; i++) {
      if ((drop & (1 << head.kind[i]!)) === 0) continue;
      const b = i * HSLOT;
      if (h[b]! > from) parts.push(buf.subarray(from, h[b]!));
      from = h[b + 4]!;
    }
    if (bodyEnd > from) parts.push(buf.subarray(from, bodyEnd));
  }
  parts.push(Buffer.from(extra + CRLF, 'latin1'));
  return writeBatch(sock, parts, rest);
}

/** Below this many bytes, one copied buffer and one write(2) beat writev bookkeeping. */
const COPY_LIMIT = 8192;

function writeBatch(sock: Conn, parts: Buffer[], rest?: Buffer): number {
  let total = rest ? rest.length : 0;
  for (const p of parts) total += p.length;
  if (total <= COPY_LIMIT) {
    const out = Buffer.allocUnsafe(total);
    let off = 0;
    for (const p of parts) off += p.copy(out, off);
    if (rest) rest.copy(out, off);
    sock.write(out);
    return total;
  }
  if (rest && rest.length) parts.push(rest);
  sock.writev(parts);
  return total;
}

/** Bytes of the head as it will be sent without edits (for byte counters). */
export function headLength(head: HttpHead): number {
  return head.end - head.start;
}
