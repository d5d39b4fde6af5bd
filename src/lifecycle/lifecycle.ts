/**
 * Where the process is in its life: serving; draining (SIGTERM arrived: not
 * ready, no new connections, requests still answered, each with
 * `Connection: close`); stopping (drained: whatever still arrives gets a 503
 * problem, the pool and the database are being closed).
 */
export type Phase = 'serving' | 'draining' | 'stopping';

export class Lifecycle {
  private current: Phase = 'serving';
  private readonly drainListeners = new Set<() => void>();

  get phase(): Phase {
    return this.current;
  }

  get serving(): boolean {
    return this.current === 'serving';
  }

  /** Called once, when draining starts: open streams end, so their clients reconnect elsewhere. */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  beginDrain(): void {
    if (this.current !== 'serving') return;
    this.current = 'draining';
    for (const listener of [...this.drainListeners]) listener();
  }

  beginStop(): void {
    this.current = 'stopping';
  }
}
