// Reads the header fields the demo shows (Subject, From, Date) from a raw RFC 5322 message (pure).

/** Decodes RFC 2047 encoded-words (=?charset?B|Q?text?=); unknown charsets fall back to UTF-8. */
export function decodeWords(value: string): string {
  // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

/** Header fields by lower-case name (first occurrence), unfolded (RFC 5322 §2.2.3) and decoded. */
export function parseHeaders(raw: string): Record<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    if (!(name in out)) out[name] = decodeWords(m[2]!.trim());
  }
  return out;
}

/** The node in an alert subject: keepalived's `[router_id] VRRP Instance ...` prefix. */
export function subjectNode(subject: string): string | undefined {
  return /^\[([^\]]+)\]/.exec(subject)?.[1];
}
