// Prometheus exporter: every series name is one haproxy 2.6's exporter also uses; values follow the runtime state.
import test from 'ava';
import { handleMetricsRequest } from '../../../src/proxy/metrics.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';

/** Names haproxy 2.6.12's prometheus-exporter printed for the same kinds of objects (captured from Debian's build). */
const HAPROXY_NAMES = new Set(`haproxy_process_nbthread haproxy_process_nbproc haproxy_process_relative_process_id haproxy_process_uptime_seconds
haproxy_process_max_connections haproxy_process_current_connections haproxy_process_connections_total haproxy_process_requests_total
haproxy_process_build_info haproxy_process_start_time_seconds haproxy_frontend_current_sessions haproxy_frontend_max_sessions
haproxy_frontend_limit_sessions haproxy_frontend_sessions_total haproxy_frontend_bytes_in_total haproxy_frontend_bytes_out_total
haproxy_frontend_requests_denied_total haproxy_frontend_request_errors_total haproxy_frontend_status haproxy_frontend_http_responses_total
haproxy_frontend_http_requests_total haproxy_frontend_connections_total haproxy_backend_current_queue haproxy_backend_max_queue
haproxy_backend_current_sessions haproxy_backend_max_sessions haproxy_backend_limit_sessions haproxy_backend_sessions_total
haproxy_backend_bytes_in_total haproxy_backend_bytes_out_total haproxy_backend_connection_errors_total haproxy_backend_response_errors_total
haproxy_backend_retry_warnings_total haproxy_backend_redispatch_warnings_total haproxy_backend_status haproxy_backend_weight
haproxy_backend_active_servers haproxy_backend_backup_servers haproxy_backend_check_up_down_total haproxy_backend_check_last_change_seconds
haproxy_backend_loadbalanced_total haproxy_backend_http_responses_total haproxy_backend_http_requests_total haproxy_backend_client_aborts_total
haproxy_backend_server_aborts_total haproxy_backend_queue_time_average_seconds haproxy_backend_connect_time_average_seconds
haproxy_backend_response_time_average_seconds haproxy_backend_total_time_average_seconds haproxy_backend_uweight haproxy_server_current_queue
haproxy_server_max_queue haproxy_server_current_sessions haproxy_server_max_sessions haproxy_server_limit_sessions haproxy_server_sessions_total
haproxy_server_bytes_in_total haproxy_server_bytes_out_total haproxy_server_connection_errors_total haproxy_server_response_errors_total
haproxy_server_retry_warnings_total haproxy_server_redispatch_warnings_total haproxy_server_status haproxy_server_weight
haproxy_server_check_failures_total haproxy_server_check_up_down_total haproxy_server_check_last_change_seconds haproxy_server_downtime_seconds_total
haproxy_server_queue_limit haproxy_server_current_throttle haproxy_server_loadbalanced_total haproxy_server_check_status haproxy_server_check_code
haproxy_server_check_duration_seconds haproxy_server_http_responses_total haproxy_server_client_aborts_total haproxy_server_server_aborts_total
haproxy_server_queue_time_average_seconds haproxy_server_connect_time_average_seconds haproxy_server_response_time_average_seconds
haproxy_server_total_time_average_seconds haproxy_server_uweight`.split(/\s+/));

/** The only series hapair adds (haproxy has no per-state transition counter). */
const HAPAIR_NAMES = new Set(['hapair_server_transitions_total']);

const req = (method = 'GET') => ({ method, uri: '/metrics', version: 'HTTP/1.1', header: () => undefined, body: Buffer.alloc(0), clientIp: '127.0.0.1' });

test('series names match haproxy exporter names; states and values follow the runtime', async (t) => {
  const rt = FakeRuntime.of([
    section({ name: 'fe', kind: 'frontend', mode: 'http' }),
    section({ name: 'be', id: 2, mode: 'http', servers: [serverConfig({ name: 'a', check: true, weight: 3 }), serverConfig({ name: 'b', id: 2 })] }),
  ]);
  const a = rt.server('be', 'a');
  a.check = { enabled: true, health: 0, rise: 2, fall: 3, status: 'L7STS', code: 503, durationMs: 12, desc: '', running: false };
  a.op = 'down';
  a.downTransitions = 2;
  rt.server('be', 'b').admin = { forcedMaint: false, configMaint: false, forcedDrain: true };
  rt.backends.get('be')!.counters.total = 42;
  const counts: Record<string, Record<string, number>> = { 'be/a': { DOWN: 2, UP: 1, MAINT: 1 } };
  Object.assign(rt, { transitionCounts: (be: string, sv: string) => counts[`${be}/${sv}`] });
  rt.frontends.get('fe')!.counters.hrsp['2xx'] = 7;
  const res = await handleMetricsRequest(rt, req());
  t.is(res.status, 200);
  t.regex(String(res.headers.find(([k]) => k === 'Content-Type')?.[1]), /^text\/plain/);
  const text = String(res.body);
  const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  t.true(names.size > 40);
  for (const n of names) t.true(HAPROXY_NAMES.has(n) || HAPAIR_NAMES.has(n), `${n} is a haproxy exporter name (or a declared hapair extension)`);
  const has = (line: string) => t.true(text.split('\n').includes(line), line);
  has('haproxy_server_status{proxy="be",server="a",state="DOWN"} 1');
  has('haproxy_server_status{proxy="be",server="a",state="UP"} 0');
  has('haproxy_server_status{proxy="be",server="b",state="DRAIN"} 1');
  has('haproxy_server_check_status{proxy="be",server="a",state="L7STS"} 1');
  has('haproxy_server_check_code{proxy="be",server="a"} 503');
  has('haproxy_server_check_duration_seconds{proxy="be",server="a"} 0.012');
  has('haproxy_server_check_up_down_total{proxy="be",server="a"} 2');
  has('haproxy_backend_sessions_total{proxy="be"} 42');
  has('haproxy_backend_status{proxy="be",state="DOWN"} 1'); // a is down, b drained: nothing usable
  has('haproxy_frontend_http_responses_total{proxy="fe",code="2xx"} 7');
  has('haproxy_process_build_info{version="0.1.0"} 1');
  has('hapair_server_transitions_total{proxy="be",server="a",to="DOWN"} 2');
  has('hapair_server_transitions_total{proxy="be",server="a",to="MAINT"} 1');
  t.false(text.includes('hapair_server_transitions_total{proxy="be",server="b"'), 'no series for a server without transitions');
  t.false(text.includes('haproxy_server_check_status{proxy="be",server="b"'), 'no check series for unchecked servers');
  t.is((await handleMetricsRequest(rt, req('HEAD'))).body, '');
  t.is((await handleMetricsRequest(rt, req('POST'))).status, 405);
});
