// Pure compilation of a server's check configuration into one rule list ("plan") that the engine executes:
// plain connect, option httpchk / http-check, option tcp-check and the agent are all connect/send/expect
// sequences (haproxy's tcpcheck rulesets, haproxy.md §2.5, §3).
import type { BackendView, CheckRule, HealthCheckConfig, RuntimeServerView, ServerConfig } from '../types.js';
import { compileHttpExpect, compileTcpExpect, IMPLICIT_HTTP_EXPECT, type HttpExpect, type TcpExpect } from './expect.js';

export interface ConnectStep {
  readonly kind: 'connect';
  readonly step: number;
  readonly host?: string; // rule `addr`, else the check target
  readonly port?: number; // rule `port`, else the check target
}
export interface SendStep {
  readonly kind: 'send';
  readonly step: number;
  readonly data: Buffer;
}
/** An HTTP request built at probe time (send-state reflects the server's current state). */
export interface HttpSendStep {
  readonly kind: 'http-send';
  readonly step: number;
  readonly request: HttpRequestSpec;
}
export interface AgentReadStep {
  readonly kind: 'agent-read';
  readonly step: number;
}
export type PlanStep = ConnectStep | SendStep | HttpSendStep | AgentReadStep | TcpExpect | HttpExpect;

export interface HttpRequestSpec {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface CheckPlan {
  readonly type: 'tcp' | 'http' | 'tcp-check' | 'agent' | 'external';
  readonly steps: readonly PlanStep[];
  readonly sendState: boolean;
  readonly disableOn404: boolean;
}

/** haproxy's default `option httpchk` request: OPTIONS / HTTP/1.0, no Host, no User-Agent. */
export const DEFAULT_HTTP_REQUEST: HttpRequestSpec = { method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [] };

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

function httpPlan(hc: HealthCheckConfig): PlanStep[] {
  const base: HttpRequestSpec = hc.httpRequest
    ? { method: hc.httpRequest.method, uri: hc.httpRequest.uri, version: hc.httpRequest.version, headers: hc.httpRequest.headers }
    : DEFAULT_HTTP_REQUEST;
  const steps: PlanStep[] = [{ kind: 'connect', step: 1 }];
  let sawSend = false;
  let sawExpectSinceSend = false;
  const ruleList = hc.rules.filter((r) => r.kind === 'http-send' || r.kind === 'expect');
  for (const r of ruleList) {
    const step = steps.length + 1;
    if (r.kind === 'http-send') {
      if (sawSend && !sawExpectSinceSend) steps.push({ ...IMPLICIT_HTTP_EXPECT, step });
      // The loader hands over the effective send rules (healthCheck.rules): `option httpchk` is already merged
      // into the first one (src/proxy/config/finalize.ts httpRules), so a rule's headers are sent exactly as
      // they are, an empty list included; falling back to the option's headers here would resurrect headers
      // the loader decided to drop. Method/URI/version only fall back for hand-built rules that leave them empty.
      steps.push({
        kind: 'http-send',
        step: steps.length + 1,
        request: {
          method: r.method || base.method,
          uri: r.uri || base.uri,
          version: r.version || base.version,
          headers: r.headers,
          ...(r.body !== undefined ? { body: r.body } : {}),
        },
      });
      sawSend = true;
      sawExpectSinceSend = false;
    } else if (r.kind === 'expect') {
      if (!sawSend) {
        steps.push({ kind: 'http-send', step, request: base });
        sawSend = true;
      }
      if (r.match !== 'status' && r.match !== 'rstatus' && r.match !== 'string' && r.match !== 'rstring') {
        throw new PlanError(`http-check expect '${r.match}' is not supported (${r.where.file}:${r.where.line})`);
      }
      steps.push(compileHttpExpect({ negate: r.negate, match: r.match, pattern: r.pattern }, steps.length + 1));
      sawExpectSinceSend = true;
    }
  }
  if (!sawSend) steps.push({ kind: 'http-send', step: steps.length + 1, request: base });
  // If the last rule is a send, haproxy appends `http-check expect status 200-399`.
  if (!sawExpectSinceSend) steps.push({ ...IMPLICIT_HTTP_EXPECT, step: steps.length + 1 });
  return steps;
}

function tcpCheckPlan(rules: readonly CheckRule[]): PlanStep[] {
  const steps: PlanStep[] = [];
  const effective = rules.filter((r) => r.kind !== 'comment');
  if (effective[0]?.kind !== 'connect') steps.push({ kind: 'connect', step: 1 }); // implicit leading connect
  for (const r of effective) {
    const step = steps.length + 1;
    if (r.kind === 'connect') {
      steps.push({ kind: 'connect', step, ...(r.addr !== undefined ? { host: r.addr } : {}), ...(r.port !== undefined ? { port: r.port } : {}) });
    } else if (r.kind === 'send') steps.push({ kind: 'send', step, data: r.data });
    else if (r.kind === 'expect') {
      if (r.match === 'status' || r.match === 'rstatus') throw new PlanError(`tcp-check expect '${r.match}' is an http-check matcher (${r.where.file}:${r.where.line})`);
      steps.push(compileTcpExpect({ negate: r.negate, match: r.match, pattern: r.pattern, ...(r.minRecv !== undefined ? { minRecv: r.minRecv } : {}) }, step));
    } else if (r.kind === 'http-send') throw new PlanError(`http-check send in a tcp-check ruleset (${r.where.file}:${r.where.line})`);
  }
  return steps;
}

/** The health-check plan of a section (shared by all its servers). Throws PlanError on unusable rules. */
export function healthPlan(hc: HealthCheckConfig): CheckPlan {
  const common = { sendState: hc.sendState && hc.type === 'http', disableOn404: hc.disableOn404 && hc.type === 'http' };
  switch (hc.type) {
    case 'http':
      return { type: 'http', steps: httpPlan(hc), ...common };
    case 'tcp-check':
      return { type: 'tcp-check', steps: tcpCheckPlan(hc.rules), ...common };
    case 'external':
      return { type: 'external', steps: [], ...common };
    default:
      return { type: 'tcp', steps: [{ kind: 'connect', step: 1 }], ...common };
  }
}

/** Agent: connect to the agent port, send `agent-send` if configured, read one line (haproxy.md §3). */
export function agentPlan(cfg: ServerConfig): CheckPlan {
  const steps: PlanStep[] = [{ kind: 'connect', step: 1 }];
  if (cfg.agentSend) steps.push({ kind: 'send', step: 2, data: Buffer.from(cfg.agentSend, 'latin1') });
  steps.push({ kind: 'agent-read', step: steps.length + 1 });
  return { type: 'agent', steps, sendState: false, disableOn404: false };
}

export interface Target {
  readonly host: string;
  readonly port?: number;
}

/** Health checks go to `addr`/`port` if set, else the server's current address and port (haproxy.md §1.5). */
export function healthTarget(s: RuntimeServerView): Target {
  const port = s.config.checkPort ?? s.port;
  const host = s.config.checkAddr ?? s.addr;
  return port !== undefined ? { host, port } : { host };
}

/** The agent goes to agent-addr, else `addr`, else the server address, on agent-port. */
export function agentTarget(s: RuntimeServerView): Target {
  const port = s.config.agentPort;
  const host = s.config.agentAddr ?? s.config.checkAddr ?? s.addr;
  return port !== undefined ? { host, port } : { host };
}

/**
 * `http-check send-state` header value (haproxy httpchk_build_status_header): state word with x/y while in
 * transition, address, port, backend/server name, node, effective/total weight, sessions, queue.
 */
export function sendStateValue(s: RuntimeServerView, be: BackendView, node: string): string {
  const c = s.check;
  const rise = c?.rise ?? s.config.rise;
  const fall = c?.fall ?? s.config.fall;
  const health = c?.health ?? 0;
  let state: string;
  if (!c || !c.enabled) state = 'no check';
  else if (s.op !== 'down') {
    const word = s.op === 'stopping' ? 'NOLB' : 'UP';
    state = health >= rise + fall - 1 ? word : `${word} ${health - rise + 1}/${fall}`;
  } else state = health > 0 ? `DOWN ${health}/${rise}` : 'DOWN';
  const total = be.usableWeight();
  const scurBe = be.beconn - be.queueLength;
  let v = `${state}; address=${s.addr}; port=${s.port ?? 0}; name=${be.name}/${s.name}; node=${node}; weight=${s.eweight}/${total}; scur=${s.counters.cur}/${scurBe}; qcur=${s.counters.queueCur}`;
  if (s.op === 'starting' && s.config.slowstart) {
    const t = Date.now() - s.lastChangeMs;
    v += `; throttle=${Math.max(1, Math.floor((100 * t) / s.config.slowstart))}%`;
  }
  return v;
}

/** Serialises an HTTP check request; HTTP/1.1 requests get `Connection: close` unless one is configured. */
export function buildHttpRequest(req: HttpRequestSpec, extra: readonly (readonly [string, string])[] = []): Buffer {
  const headers = [...req.headers, ...extra];
  const has = (n: string) => headers.some(([k]) => k.toLowerCase() === n);
  let head = `${req.method} ${req.uri} ${req.version}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (req.body !== undefined && !has('content-length')) head += `Content-Length: ${Buffer.byteLength(req.body, 'latin1')}\r\n`;
  if (req.version === 'HTTP/1.1' && !has('connection')) head += 'Connection: close\r\n';
  head += '\r\n';
  return Buffer.from(head + (req.body ?? ''), 'latin1');
}
