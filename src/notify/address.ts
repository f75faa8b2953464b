// E-mail address and header-text hygiene (pure): CR/LF never reach a header, invalid addresses are refused.

/**
 * A practical RFC 5321 mailbox: dot-atom local part @ host name (dots optional, so `root@localhost`
 * works) or an IPv4 domain literal. Quoted local parts are not accepted: alert recipients never need them
 * and refusing them keeps every character a header could be split on out.
 */
const LOCAL = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = `(?:${LABEL}(?:\\.${LABEL})*|\\[\\d{1,3}(?:\\.\\d{1,3}){3}\\])`;
const ADDRESS_RE = new RegExp(`^${LOCAL}@${DOMAIN}$`);

/** True for an address we are willing to put in MAIL FROM / RCPT TO and From:/To: headers. */
export function isValidAddress(addr: string): boolean {
  return addr.length <= 254 && ADDRESS_RE.test(addr);
}

/** True for a host name or IP usable for smtp_server / smtp_helo_name (no spaces, no control chars). */
export function isValidHostName(host: string): boolean {
  return /^[A-Za-z0-9_.:[\]-]{1,253}$/.test(host);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * Makes `text` safe for a header value: CR, LF and every other control character become one space, so
 * an instance name or reason detail can never start a new header (done once, when the alert is built).
 */
export function headerText(text: string, maxLength = 200): string {
  const flat = text.replace(CONTROL, ' ').trim();
  return flat.length > maxLength ? flat.slice(0, maxLength - 1) + '…' : flat;
}

/** Body text keeps line breaks but loses other control characters (NUL, ESC, bare CR). */
export function bodyText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
}

/** True when a configured string holds CR or LF (a header injection attempt or a broken config). */
export function hasLineBreak(s: string): boolean {
  return /[\r\n]/.test(s);
}
