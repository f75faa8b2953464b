// Two nodes, hapair and keepalived 2.2.7 in both priority orders, multicast and unicast (+auth): full failover timeline.
import test from 'ava';
import { requireRoot } from '../helpers/root.js';
import { failoverTimeline } from '../helpers/lab-timeline.js';

test.serial('hapair (high) + keepalived (low), multicast, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'hapair', low: 'keepalived', unicast: false });
});

test.serial('keepalived (high) + hapair (low), unicast with auth PASS, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'keepalived', low: 'hapair', unicast: true, authPass: 'secret12' });
});

test.serial('hapair + hapair, unicast, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'hapair', low: 'hapair', unicast: true });
});
