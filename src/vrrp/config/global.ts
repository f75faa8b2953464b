// global_defs keyword table: keepalived v2.2.7 semantics (core/global_parser.c) plus hapair mail extensions.
import { validate as validateCron } from 'node-cron';
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import type { GlobalDraft, MailDraft } from './drafts.js';
import type { SmtpTlsMode, SourceRef } from '../types.js';
import { whereOf } from './drafts.js';
import { boolArg, intArg, once, optionalBoolArg } from './args.js';
import { applyBlock, type BlockSpec, type KeywordSpec, type KeywordTable } from './table.js';
import { GLOBAL_UNSUPPORTED } from './unsupported.js';

type Spec = KeywordSpec<GlobalDraft>;
const UINT = 2 ** 32 - 1;

/** keepalived coerces 0 to 1 for these counts/timeouts ("must be greater than 0, setting to 1"). */
function atLeastOne(node: ConfNode, rep: Reporter, v: number | undefined): number | undefined {
  if (v !== 0) return v;
  rep.warn(node, 'value-coerced', `${node.keyword} must be greater than 0: using 1 (as keepalived)`, `write '${node.keyword} 1'`);
  return 1;
}

/** Words of a value block (`notification_email { a b \n c }`): every word of every line, with that line. */
function blockWords(node: ConfNode): { word: string; where: SourceRef }[] {
  return (node.children ?? []).flatMap((c) => [c.keyword, ...c.args].map((word) => ({ word, where: whereOf(c) })));
}

/** A mail setting: stores the value and remembers where it was set, for `hapair check` messages. */
function mail<K extends keyof MailDraft>(key: K, read: (node: ConfNode, rep: Reporter) => MailDraft[K] | undefined, args: { min?: number; max?: number } = {}): Spec {
  return {
    minArgs: args.min ?? 1,
    ...(args.max !== undefined ? { maxArgs: args.max } : {}),
    handle: (node, g, rep) => {
      const v = read(node, rep);
      if (v === undefined) return;
      g.mail[key] = v;
      g.mail.where[node.keyword] = whereOf(node);
    },
  };
}

const word = (node: ConfNode): string => node.args[0]!;

function absolutePath(node: ConfNode, rep: Reporter): string | undefined {
  const p = node.args[0]!;
  if (p.startsWith('/')) return p;
  rep.error(node, 'invalid-value', `${node.keyword}: '${p}' must be an absolute path`);
  return undefined;
}

const TLS_MODES: readonly SmtpTlsMode[] = ['none', 'starttls', 'require-starttls', 'implicit'];

/** Non-negative whole seconds as keepalived reads them (read_unsigned_strvec). */
const secs = (node: ConfNode, rep: Reporter): number | undefined => intArg(node, rep, 0, UINT);

/** vrrp_garp_* defaults inherited by every instance (keepalived.md §6.4). */
function garp(key: keyof GlobalDraft['garp'], coerceZero: boolean): Spec {
  return {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, g, rep) => {
      const v = coerceZero ? atLeastOne(node, rep, secs(node, rep)) : secs(node, rep);
      if (v !== undefined) g.garp[key] = v;
    },
  };
}

const TABLE: KeywordTable<GlobalDraft> = {
  router_id: { minArgs: 1, maxArgs: 1, handle: (n, g) => void (g.routerId = word(n)) },
  notification_email: {
    block: 'required',
    handle: (node, g, rep) => {
      const words = blockWords(node);
      if (words.length === 0) rep.warn(node, 'missing-argument', 'empty notification_email block: no alert mail can be sent', 'list at least one address, one per line');
      // Address syntax is checked by notify's checkMailSettings (hapair check / start-up), which names each
      // address's own line: in a long list the block's line would leave the operator hunting for it.
      g.mail.recipients.push(...words.map((w) => w.word));
      g.mail.recipientsAt.push(...words.map((w) => w.where));
      g.mail.recipientsWhere = whereOf(node);
    },
  },
  notification_email_from: mail('from', word, { max: 1 }),
  smtp_server: mail('smtpServer', (node, rep) => {
    // keepalived resolves DNS names at load time; hapair resolves when it sends (the host may come up later).
    const port = node.args[1] === undefined ? 25 : intArg(node, rep, 1, 65535, 1);
    return port === undefined ? undefined : { host: node.args[0]!, port, where: whereOf(node) };
  }, { max: 2 }),
  smtp_connect_timeout: mail('connectTimeoutSec', (n, rep) => atLeastOne(n, rep, secs(n, rep)), { max: 1 }),
  smtp_helo_name: mail('heloName', word, { max: 1 }),
  smtp_alert: { maxArgs: 1, handle: (n, g, rep) => void (g.smtpAlert = optionalBoolArg(n, rep) ?? g.smtpAlert) },
  smtp_alert_vrrp: { maxArgs: 1, handle: (n, g, rep) => void (g.smtpAlertVrrp = optionalBoolArg(n, rep) ?? g.smtpAlertVrrp) },
  // EXT: hapair mail extensions (MailSettings); keepalived would log them as unknown keywords.
  smtp_auth_user: mail('authUser', word, { max: 1 }),
  smtp_auth_password_file: mail('authPasswordFile', absolutePath, { max: 1 }),
  // Not a setting: an inline password would sit in a file that is copied to backups, tickets and version
  // control, and be shown by every `cat`. Refused with the way out, never echoing the value (no maxArgs:
  // the extra-argument warning would print it).
  smtp_auth_password: {
    secret: true,
    handle: (node, _g, rep) => rep.error(node, 'inline-secret',
      'smtp_auth_password: the SMTP password must not be written in the config file (it ends up in backups, tickets and version control); hapair reads it from a file or the environment',
      'replace it with `smtp_auth_password_file PATH` (a file readable by root only) or `smtp_auth_password_env VAR`'),
  },
  smtp_auth_password_env: mail('authPasswordEnv', (node, rep) => {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word(node))) return word(node);
    rep.error(node, 'invalid-value', `${node.keyword}: '${word(node)}' is not an environment variable name`);
    return undefined;
  }, { max: 1 }),
  smtp_tls: mail('tls', (node, rep) => {
    const mode = TLS_MODES.find((m) => m === word(node));
    if (!mode) rep.error(node, 'invalid-value', `smtp_tls: '${word(node)}' is not one of ${TLS_MODES.join('|')}`);
    return mode;
  }, { max: 1 }),
  smtp_tls_ca_file: mail('tlsCaFile', absolutePath, { max: 1 }),
  smtp_tls_verify: mail('tlsRejectUnauthorized', boolArg, { max: 1 }),
  alert_spool_dir: mail('spoolDir', absolutePath, { max: 1 }),
  alert_max_age: mail('maxAgeSec', (n, rep) => intArg(n, rep, 1, UINT), { max: 1 }),
  alert_flap_damping: mail('flapDamping', (node, rep) => {
    if (node.args.length === 1 && node.args[0] === 'off') return 'off';
    if (node.args.length !== 2) {
      rep.error(node, 'invalid-value', `alert_flap_damping: expected 'N MINUTES' or 'off'`);
      return undefined;
    }
    const n = intArg(node, rep, 1, 10_000, 0);
    const min = intArg(node, rep, 1, 10_080, 1);
    return n === undefined || min === undefined ? undefined : { maxTransitions: n, windowMin: min };
  }, { max: 2 }),
  alert_report_cron: mail('reportCron', (node, rep) => {
    const expr = node.args.join(' '); // quoted or not: `alert_report_cron "0 8 * * *"`
    if (validateCron(expr)) return expr;
    rep.error(node, 'invalid-value', `alert_report_cron: '${expr}' is not a valid cron expression`);
    return undefined;
  }),
  vrrp_version: {
    minArgs: 1,
    maxArgs: 1,
    handle: (n, g, rep) => {
      const v = intArg(n, rep, 2, 3);
      if (v === 2 || v === 3) g.vrrpVersion = v;
    },
  },
  script_user: {
    minArgs: 1,
    maxArgs: 2,
    handle: (n, g) => void (g.scriptUser = { user: n.args[0]!, ...(n.args[1] !== undefined ? { group: n.args[1] } : {}) }),
  },
  enable_script_security: { maxArgs: 0, handle: (_n, g) => void (g.enableScriptSecurity = true) },
  vrrp_garp_master_delay: garp('masterDelaySec', false),
  vrrp_garp_master_repeat: garp('masterRepeat', true),
  vrrp_garp_master_refresh: garp('masterRefreshSec', false),
  vrrp_garp_master_refresh_repeat: garp('masterRefreshRepeat', true),
  vrrp_garp_lower_prio_delay: garp('lowerPrioDelaySec', false),
  vrrp_garp_lower_prio_repeat: garp('lowerPrioRepeat', false),
  vrrp_lower_prio_no_advert: { maxArgs: 1, handle: (n, g, rep) => void (g.lowerPrioNoAdvert = optionalBoolArg(n, rep) ?? g.lowerPrioNoAdvert) },
  vrrp_higher_prio_send_advert: { maxArgs: 1, handle: (n, g, rep) => void (g.higherPrioSendAdvert = optionalBoolArg(n, rep) ?? g.higherPrioSendAdvert) },
  vrrp_down_timer_adverts: { minArgs: 1, maxArgs: 1, handle: (n, g, rep) => void (g.downTimerAdverts = intArg(n, rep, 1, 100) ?? g.downTimerAdverts) },
  vrrp_check_unicast_src: { maxArgs: 0, handle: (_n, g) => void (g.checkUnicastSrc = true) },
  // Accepted so the lint can explain it (lints.ts): strict mode is not implemented.
  vrrp_strict: { maxArgs: 0, handle: (n, g) => void (g.vrrpStrict = whereOf(n)) },
};

/** Keywords that may only appear once; a repeat is reported (keepalived silently keeps the last). */
const SINGLE: readonly string[] = ['router_id', 'notification_email_from', 'smtp_server', 'vrrp_version'];

/**
 * Statements that feed MailSettings. When one of them is refused the settings are incomplete (a rejected
 * smtp_server reads as "no server"), so the mail checks would report consequences of that error, not findings.
 */
export const MAIL_KEYWORDS: ReadonlySet<string> = new Set([
  'notification_email', 'notification_email_from', 'smtp_server', 'smtp_connect_timeout', 'smtp_helo_name',
  'smtp_auth_user', 'smtp_auth_password_file', 'smtp_auth_password_env', 'smtp_tls', 'smtp_tls_ca_file',
  'smtp_tls_verify', 'alert_spool_dir', 'alert_max_age', 'alert_flap_damping', 'alert_report_cron',
]);

export const GLOBAL_BLOCK: BlockSpec<GlobalDraft> = {
  name: 'global_defs',
  table: Object.fromEntries(Object.entries(TABLE).map(([k, spec]) => [k, SINGLE.includes(k) ? withOnce(k, spec) : spec])),
  unsupported: GLOBAL_UNSUPPORTED,
  splitStray: true,
};

function withOnce(key: string, spec: Spec): Spec {
  return {
    ...spec,
    handle: (node, g, rep) => {
      once(node, rep, g.seen.has(key) ? true : undefined);
      g.seen.add(key);
      spec.handle(node, g, rep);
    },
  };
}

/**
 * Applies a global_defs block statement by statement, noting in `g.mail.rejected` the first mail statement
 * refused with an error, so the loader can tell whether the mail settings were read completely.
 */
export function applyGlobalDefs(nodes: readonly ConfNode[], g: GlobalDraft, rep: Reporter): void {
  for (const node of nodes) {
    const before = rep.errorCount;
    applyBlock([node], GLOBAL_BLOCK, g, rep);
    // Any word: a mail keyword may be the second statement of a line (stray keyword split).
    if (rep.errorCount > before && !g.mail.rejected && node.words.some((w) => !w.quoted && MAIL_KEYWORDS.has(w.text))) g.mail.rejected = whereOf(node);
  }
}
