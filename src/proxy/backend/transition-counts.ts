// Every server transition the backend core emits, counted per server and state entered (the series
// hapair_server_transitions_total; haproxy itself counts only UP->DOWN). Shared by the single-process runtime and
// the nbthread control process; counts survive reloads because kept sections keep their Backend objects.
import type { ServerTransitionEvent } from './server.js';
import type { Backend } from './backend.js';

export class TransitionCounts {
  /** "backend/server" -> state entered -> count. */
  readonly #byServer = new Map<string, Record<string, number>>();
  readonly #watched = new WeakSet<Backend>();

  /** Starts counting the backends not watched yet (call after create and after every reload). */
  watch(backends: Iterable<Backend>): void {
    for (const b of backends) {
      if (this.#watched.has(b)) continue;
      this.#watched.add(b);
      b.events.on('transition', (e: ServerTransitionEvent) => {
        const key = `${e.backend}/${e.server}`;
        const m = this.#byServer.get(key) ?? {};
        m[e.to] = (m[e.to] ?? 0) + 1;
        this.#byServer.set(key, m);
      });
    }
  }

  of(backend: string, server: string): Readonly<Record<string, number>> | undefined {
    return this.#byServer.get(`${backend}/${server}`);
  }
}
