// Rejected-advert logging is rate-limited per reason (keepalived >= 2.3.3 / RFC 9568): once until the state or the
// master changes, even when a hostile sender is interleaved with the real master's valid adverts. Counters count all.
import test from 'ava';
import { createLogger } from '../../../src/core/logger.js';
import { InstanceCounters } from '../../../src/vrrp/instance-rx.js';

function capture(): { counters: InstanceCounters; logged: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 't', level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } });
  return { counters: new InstanceCounters(logger), logged: () => lines.filter((l) => l.event === 'advert-rejected') };
}

test('a hostile flood interleaved with the real master: one line per reason, every packet counted', (t) => {
  const { counters, logged } = capture();
  for (let i = 0; i < 500; i++) {
    counters.accepted(150, '198.18.0.11'); // the real master keeps advertising
    counters.reject('auth-failure', 'received an invalid passwd', '198.18.0.66');
    counters.reject('ttl', 'ttl 254', '198.18.0.66');
  }
  t.deepEqual(logged().map((l) => l.reason), ['auth-failure', 'ttl']);
  t.like(counters.snapshot(), { rx: 500, rejected: { 'auth-failure': 500, ttl: 500 } });
  t.like(logged()[0], { from: '198.18.0.66', detail: 'received an invalid passwd' });
});

test('a new master or a state change logs each reason once more', (t) => {
  const { counters, logged } = capture();
  counters.accepted(150, '198.18.0.11');
  counters.reject('addr-list', 'x', '198.18.0.66');
  counters.reject('addr-list', 'x', '198.18.0.66');
  t.is(logged().length, 1);
  counters.accepted(200, '198.18.0.12'); // another master
  counters.reject('addr-list', 'x', '198.18.0.66');
  counters.reject('addr-list', 'x', '198.18.0.66');
  t.is(logged().length, 2);
  counters.transition('BACKUP', 'MASTER');
  counters.reject('addr-list', 'x', '198.18.0.66');
  counters.reject('addr-list', 'x', '198.18.0.66');
  t.is(logged().length, 3);
  counters.reload();
  counters.reject('addr-list', 'x', '198.18.0.66');
  t.is(logged().length, 4);
  t.is(counters.snapshot().rejected['addr-list'], 7);
});
