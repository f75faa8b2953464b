// Agent protocol parsing, framing, weights and verdict texts (haproxy.md §3), table-driven.
import test from 'ava';
import { agentVerdict, applyAgentWeight, frameAgentReply, parseAgentLine } from '../../../src/proxy/check/agent-reply.js';

test('words: case-insensitive, any order, last per category wins, # description', (t) => {
  const rows: [string, object][] = [
    ['up', { health: 'up' }],
    ['DOWN', { health: 'down' }],
    ['Up', { health: 'up' }],
    ['down # planned reboot', { health: 'down', description: 'planned reboot' }],
    ['drain', { admin: 'drain' }],
    ['ready 100%', { admin: 'ready', weightPct: 100 }],
    ['maxconn:5 300%', { maxconn: 5, weightPct: 300 }],
    ['stopped,drain', { health: 'stopped', admin: 'drain' }],
    ['up\tmaint', { health: 'up', admin: 'maint' }],
    ['up down', { health: 'down' }],
    ['up foo', { health: 'up', error: 'foo' }],
    ['50x% up', { health: 'up', error: '50x%' }],
    ['maxconn:abc', { error: 'maxconn:abc' }],
    ['', {}],
    ['   #   only text  ', { description: 'only text' }],
  ];
  for (const [line, want] of rows) t.deepEqual(parseAgentLine(line), want, JSON.stringify(line));
});

test('framing: first CR or LF ends the line; EOF or a full buffer without one is ignored', (t) => {
  t.deepEqual(frameAgentReply(Buffer.from('up\r\nignored'), false), { kind: 'line', line: 'up' });
  t.deepEqual(frameAgentReply(Buffer.from('DOWN\r\n'), true), { kind: 'line', line: 'DOWN' });
  t.deepEqual(frameAgentReply(Buffer.from('up'), false), { kind: 'wait' });
  t.deepEqual(frameAgentReply(Buffer.from('down'), true), { kind: 'incomplete' });
  t.deepEqual(frameAgentReply(Buffer.alloc(16384, 'x'), false), { kind: 'incomplete' });
  t.deepEqual(frameAgentReply(Buffer.from('\n'), true), { kind: 'line', line: '' });
});

test('weight: N% of the initial weight, integer division, caps, static algorithms', (t) => {
  t.deepEqual(applyAgentWeight(50, 1, false), { ok: true, uweight: 0 });
  t.deepEqual(applyAgentWeight(50, 3, false), { ok: true, uweight: 1 });
  t.deepEqual(applyAgentWeight(300, 2, false), { ok: true, uweight: 6 });
  t.deepEqual(applyAgentWeight(99999, 10, false), { ok: true, uweight: 256 });
  t.deepEqual(applyAgentWeight(100, 4, true), { ok: true, uweight: 4 });
  t.deepEqual(applyAgentWeight(0, 4, true), { ok: true, uweight: 0 });
  t.false(applyAgentWeight(50, 4, true).ok);
});

test('verdict: health word gives L7OK/L7STS with "via agent", none gives neutral CHECKED', (t) => {
  t.deepEqual(agentVerdict(parseAgentLine('down # planned reboot')), { status: 'L7STS', desc: 'via agent : down (planned reboot)' });
  t.deepEqual(agentVerdict(parseAgentLine('fail')), { status: 'L7STS', desc: 'via agent : fail' });
  t.deepEqual(agentVerdict(parseAgentLine('up')), { status: 'L7OK', desc: 'via agent : up' });
  t.deepEqual(agentVerdict(parseAgentLine('up foo')), { status: 'L7OK', desc: 'via agent : up (agent reports an error : foo)' });
  t.deepEqual(agentVerdict(parseAgentLine('50%')), { status: 'CHECKED', desc: '' });
  t.deepEqual(agentVerdict(parseAgentLine('garbage')), { status: 'CHECKED', desc: 'agent reports an error : garbage' });
  t.deepEqual(agentVerdict(parseAgentLine('75%'), 'static'), { status: 'CHECKED', desc: 'static' });
  // binary garbage is escaped for display
  t.deepEqual(agentVerdict(parseAgentLine('\x01\x02 up')), { status: 'L7OK', desc: 'via agent : up (agent reports an error : \\x01\\x02)' });
});
