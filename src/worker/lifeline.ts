// Noticing that a worker is gone. A worker that throws an uncaught error fires `error` on its Worker object, but one
// that stops without a word (self.close() in some library, the browser ending it under memory pressure, a crash
// of its thread) fires nothing, and a call waiting on it would wait for ever. A Web Lock closes that gap: the
// worker takes a lock with a name only it and the page know and never lets go; the page asks for the same lock,
// and is granted it exactly when the worker's global scope is gone (locks die with their holder). No polling, no
// timer that a slow read on an old phone could trip.

/** The part of the Web Locks API used here (tests pass a fake). */
export interface LocksLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => unknown): Promise<unknown>;
}

/** The page's Web Locks, when the context has them (secure contexts only: https or localhost). */
export function pageLocks(): LocksLike | null {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? (locks as unknown as LocksLike) : null;
}

/** A lock name for one worker's life. */
export function lifelineName(): string {
  return `alpr-worker-life-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * In the worker: takes the lock `name` for the rest of the worker's life. Resolves true once it is held, false
 * when the worker has no Web Locks (then only the `error` event tells the page about a crash).
 */
export function holdForLife(name: string, locks: LocksLike | null = pageLocks()): Promise<boolean> {
  if (!locks || typeof name !== 'string' || !name.startsWith('alpr-worker-life-')) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    locks
      .request(name, {}, () => {
        resolve(true);
        // Never settles: the lock is released only when this worker ends.
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

/**
 * On the page, after the worker said it holds `name`: calls `onGone` when the worker ends, unless `signal` is
 * aborted first (the page stopping the worker itself).
 */
export function watchLife(locks: LocksLike, name: string, signal: AbortSignal, onGone: () => void): void {
  if (signal.aborted) return;
  locks
    .request(name, { signal }, () => {
      if (!signal.aborted) onGone();
    })
    .catch(() => undefined);
}
