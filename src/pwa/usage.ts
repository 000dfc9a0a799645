// Local usage counts for GET /v1/statistics/ and /info/: reads per calendar month (UTC), split into calls to the
// in-page API and reads made on the page itself. Kept in IndexedDB (database "alpr-usage"), so they persist on
// the device; the service worker and the page both write, each increment in its own transaction.

export interface MonthUsage {
  /** Calls to the in-page API (POST /v1/plate-reader/) answered 201. */
  api: number;
  /** Images the page read itself (dropped, chosen, pasted, camera). */
  page: number;
}

export type ReadKind = keyof MonthUsage;

const DB = 'alpr-usage';
const STORE = 'months';

/** "2026-11": the key of the month `now` falls in (UTC). */
export function monthKey(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The statistics body in the Snapshot API's shape: `{ usage: { month, calls, year, resets_on }, total_calls }`.
 * Local reads have no quota, so `total_calls` is null. `calls` counts both API calls and the page's own reads.
 */
export function statisticsBody(u: MonthUsage, now: Date) {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return {
    usage: {
      month: now.getUTCMonth() + 1,
      calls: u.api + u.page,
      year: now.getUTCFullYear(),
      resets_on: next.toISOString().replace('.000Z', 'Z'),
    },
    total_calls: null,
  };
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest | void, pick: (r: unknown) => T): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let result: unknown;
      const req = fn(tx.objectStore(STORE));
      if (req) req.onsuccess = () => (result = req.result);
      tx.oncomplete = () => resolve(pick(result));
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('usage: transaction aborted'));
    });
  } finally {
    db.close();
  }
}

const asUsage = (v: unknown): MonthUsage => {
  const o = (v ?? {}) as Partial<MonthUsage>;
  return { api: Number(o.api) || 0, page: Number(o.page) || 0 };
};

/** This month's counts (zeros when nothing was read yet). */
export function usageOf(now = new Date()): Promise<MonthUsage> {
  return withStore('readonly', (s) => s.get(monthKey(now)), asUsage);
}

/** Adds one read of `kind` to this month; get and put in one transaction, so concurrent writers add up. */
export function countRead(kind: ReadKind, now = new Date()): Promise<void> {
  const key = monthKey(now);
  return withStore(
    'readwrite',
    (s) => {
      const get = s.get(key);
      get.onsuccess = () => {
        const u = asUsage(get.result);
        u[kind] += 1;
        s.put(u, key);
      };
    },
    () => undefined,
  );
}
