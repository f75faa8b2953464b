// Whole-configuration checks after parsing (src/cfgparse.c check_config_validity, check.c init_srv_check):
// backend references and modes, server check ports, external-check prerequisites, keywords that need
// `mode http`, and haproxy's advisory warnings (missing timeouts, no bind, unused check rules).
import type { DiagnosticSink } from '../../core/diagnostics.js';
import { reportError, reportWarning, type ProxyConfigCode } from './codes.js';
import type { CheckRule, ProxyConfig, ProxySection, ServerConfig, SourceRef } from '../types.js';
import type { ProxyDraft } from './draft.js';

type Report = (w: SourceRef, code: ProxyConfigCode, msg: string, fix?: string) => void;

const typeName = (p: ProxySection): string => (p.kind === 'listen' ? 'proxy' : p.kind);
const at = (w: SourceRef): string => `${w.file}:${w.line}`;

/** Checks references between proxies and adjusts what haproxy ignores; returns the config to use. */
export function validate(config: ProxyConfig, drafts: readonly ProxyDraft[], sink: DiagnosticSink): ProxyConfig {
  const err: Report = (w, code, msg) => reportError(sink, w.file, w.line, code, msg);
  const warn: Report = (w, code, msg, fix) => reportWarning(sink, w.file, w.line, code, msg, fix);
  const backends = new Map(config.proxies.filter((p) => p.kind !== 'frontend').map((p) => [p.name, p]));
  const proxies = config.proxies.map((p0, i) => {
    let p = p0;
    const d = drafts[i]!;
    if (p.mode === 'tcp') p = tcpModeAdjust(p, warn);
    if (p.kind !== 'backend') {
      const targets: { name: string; where: SourceRef; what: string }[] = [];
      if (p.defaultBackend !== undefined) targets.push({ name: p.defaultBackend, where: d.defaultBackendWhere ?? p.where, what: 'default_backend' });
      for (const r of p.useBackends) if (!r.backend.includes('%[')) targets.push({ name: r.backend, where: r.where, what: 'use_backend' });
      for (const t of targets) {
        const be = backends.get(t.name);
        if (!be) err(t.where, 'unknown-backend', `Proxy '${p.name}': unable to find required ${t.what}: '${t.name}'.`);
        else if (be.name === p.name && be.kind === 'listen') err(t.where, 'backend-loop', `Proxy '${p.name}': loop detected for ${t.what}: '${t.name}'.`);
        else if (p.mode === 'http' && be.mode === 'tcp') {
          err(t.where, 'backend-mode', `http frontend '${p.name}' (${at(p.where)}) tries to use incompatible tcp backend '${be.name}' (${at(be.where)}) ${t.what === 'default_backend' ? 'as its default backend' : "in a 'use_backend' rule"} (see 'mode').`);
        }
      }
      if (p.binds.length === 0) {
        warn(p.where, 'no-bind', `${typeName(p)} '${p.name}' has no 'bind' directive. Please declare it as a backend if this was intended.`);
      }
    }
    if (p.kind !== 'frontend') checkBackend(p, d, config, err, warn);
    // haproxy only asks for the server-side timeouts when the proxy has servers.
    const beSide = p.kind !== 'frontend' && p.servers.length > 0;
    // A zero timeout counts as unset; in mode tcp `timeout tunnel` may stand in for `timeout server`.
    const to = p.timeouts;
    const missing = [
      ...(p.kind !== 'backend' && !to.client ? ['client'] : []),
      ...(beSide && !to.connect ? ['connect'] : []),
      ...(beSide && !to.server && (p.mode === 'http' || !to.tunnel) ? ['server'] : []),
    ];
    if (missing.length > 0) {
      warn(p.where, 'missing-timeouts', `missing timeouts for ${typeName(p)} '${p.name}'. While not properly invalid, you will certainly encounter various problems with such a configuration.`,
        `set ${missing.map((m) => `'timeout ${m}'`).join(', ')}`);
    }
    if ((p.options.httplog || p.options.tcplog) && p.logs.length === 0 && p.kind !== 'backend') {
      warn(p.where, 'log-without-target', `log format ignored for ${typeName(p)} '${p.name}' since it has no log address.`, "add 'log global' or a 'log <address> <facility>' line");
    }
    return p;
  });
  if (!proxies.some((p) => p.kind !== 'backend' && p.binds.length > 0 && !p.disabled)) {
    reportWarning(sink, config.files[0] ?? '', 0, 'no-listener', 'configuration has no listener: nothing would accept connections');
  }
  return { ...config, proxies };
}

/** haproxy ignores HTTP-only features in `mode tcp`, with these warnings. */
function tcpModeAdjust(p: ProxySection, warn: Report): ProxySection {
  const out: { -readonly [K in keyof ProxySection]: ProxySection[K] } = { ...p };
  const kind = typeName(p);
  if (p.stats) {
    warn(p.stats.where, 'needs-http-mode', `'stats' statement ignored for ${kind} '${p.name}' as it requires HTTP mode.`, "add 'mode http'");
    delete out.stats;
  }
  if (p.options.forwardfor) {
    warn(p.options.forwardfor.where, 'needs-http-mode', `'option forwardfor' ignored for ${kind} '${p.name}' as it requires HTTP mode.`);
    const { forwardfor: _f, ...opts } = p.options;
    out.options = opts;
  }
  if (p.options.httplog) {
    warn(p.where, 'needs-http-mode', `'option httplog' not usable with ${kind} '${p.name}' (needs 'mode http'). Falling back to 'option tcplog'.`);
    out.options = { ...out.options, httplog: false, tcplog: true };
  }
  if (p.cookie) {
    warn(p.cookie.where, 'needs-http-mode', `cookie will be ignored for ${kind} '${p.name}' (needs 'mode http').`);
    delete out.cookie;
  }
  for (const s of p.servers) {
    if (s.cookie !== undefined) warn(s.where, 'needs-http-mode', `${kind} '${p.name}' : ignoring cookie for server '${s.name}' as HTTP mode is disabled.`);
  }
  const firstRule = p.httpRequestRules?.[0] ?? p.promExporter;
  if (firstRule) {
    warn(firstRule.where, 'needs-http-mode', `'http-request' rules ignored for ${kind} '${p.name}' as they require HTTP mode.`);
    delete out.promExporter;
    delete out.httpRequestRules;
  }
  return out;
}


function checkBackend(p: ProxySection, d: ProxyDraft, config: ProxyConfig, err: Report, warn: Report): void {
  const kind = typeName(p);
  const hc = p.healthCheck;
  if (d.check.httpRules.length > 0 && hc.type !== 'http') {
    warn(d.check.httpRules[0]!.where, 'unused-check-rules', `${kind} '${p.name}' uses http-check rules without 'option httpchk', so the rules are ignored.`);
  }
  if (d.check.tcpRules.length > 0 && hc.type !== 'tcp-check') {
    warn(d.check.tcpRules[0]!.where, 'unused-check-rules', `${kind} '${p.name}' uses tcp-check rules without 'option tcp-check', so the rules are ignored.`);
  }
  if (hc.type === 'tcp-check') {
    for (const [flag, on] of [['disable-on-404', hc.disableOn404], ['send-state', hc.sendState]] as const) {
      if (on) warn(hc.where ?? p.where, 'check-option-ignored', `'${flag}' will be ignored for ${kind} '${p.name}' (requires 'option httpchk').`);
    }
  }
  if (hc.type === 'external') {
    if (!config.global.externalCheck) err(hc.where ?? p.where, 'external-check-disabled', `Proxy '${p.name}' : 'option external-check' unable to find required 'global.external-check'.`);
    else if (!hc.external?.command) err(hc.where ?? p.where, 'external-check-command', `Proxy '${p.name}' : 'option external-check' unable to find required 'external-check command'.`);
    if (!config.global.insecureForkWanted) {
      warn(hc.where ?? p.where, 'insecure-fork-wanted', `Proxy '${p.name}' : 'insecure-fork-wanted' not enabled in the global section, 'option external-check' will likely fail.`, "add 'insecure-fork-wanted' to the global section");
    }
  }
  for (const s of p.servers) if (s.check) checkServerPort(p, s, hc.type === 'external' ? undefined : hc.rules, err);
}

/** init_srv_check(): a checked server needs a port from somewhere (service, `port`, or tcp-check connect). */
function checkServerPort(p: ProxySection, s: ServerConfig, rules: readonly CheckRule[] | undefined, err: Report): void {
  if (s.checkPort !== undefined || s.port !== undefined || s.unixPath !== undefined || rules === undefined) return;
  const kind = typeName(p);
  const pre = `config: ${kind} '${p.name}': server '${s.name}' has neither service port nor check port`;
  if (rules.length === 0) {
    err(s.where, 'no-check-port', `${pre}.`);
    return;
  }
  const first = rules.find((r) => r.kind !== 'comment');
  if (first?.kind !== 'connect' || first.port === undefined) {
    err(s.where, 'no-check-port', `${pre} nor tcp_check rule 'connect' with port information.`);
    return;
  }
  if (rules.some((r) => r.kind === 'connect' && r.port === undefined)) {
    err(s.where, 'no-check-port', `${pre}, and a tcp_check rule 'connect' with no port information.`);
  }
}
