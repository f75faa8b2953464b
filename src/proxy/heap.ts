// V8 heap settings for the proxy process, applied as the first thing `hapair proxy` evaluates (imported first by
// daemon.ts). The young generation stays at its initial size (1 MiB semi-spaces): the proxy allocates small,
// short-lived objects per request, and letting V8 double the new space up to 2 x 16 MiB only buys resident memory
// (measured with scripts/bench/proxy.mjs: RSS after load ~108 -> ~67 MiB at the same CPU per request). The launcher
// passes no V8 flags, so this is set at run time; an operator's own semi-space flags (NODE_OPTIONS or node
// arguments) win. V8 versions that clamp the factor to 2 keep their default growth.
import v8 from 'node:v8';

const own = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!own.includes('semi-space')) v8.setFlagsFromString('--semi-space-growth-factor=1');
