import createClient from 'openapi-fetch';
import type { components, paths } from '../../../openapi/schema';
import { call } from './problem';

type TokenPair = components['schemas']['TokenPair'];
export type Me = components['schemas']['Me'];

const STORAGE_KEY = 'box-office.session';
/** An access token this close to its expiry is refreshed before use. */
const REFRESH_AHEAD_MS = 30_000;
/** Auth calls go through a client of their own: no session middleware, no retry. */
const auth = createClient<paths>({ baseUrl: '' });

function read(): TokenPair | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof value === 'object' && value !== null && 'access' in value && 'refresh' in value) {
      const { access, refresh } = value;
      if (typeof access === 'string' && typeof refresh === 'string') return { access, refresh };
    }
  } catch {
    // Unreadable storage is no session.
  }
  return null;
}

function write(tokens: TokenPair | null): void {
  if (tokens) localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
  else localStorage.removeItem(STORAGE_KEY);
}

/** When a JWT expires (ms since the epoch); 0 when it cannot be read, so it counts as expired. */
function expiryOf(token: string): number {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload)) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** Runs `task` holding a lock every tab of this origin shares (Web Locks), or alone where there are none. */
async function exclusively<T>(task: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return task();
  let result: T | undefined;
  await navigator.locks.request('box-office.refresh', async () => {
    result = await task();
  });
  return result as T;
}

/**
 * The last rotation of the refresh token by any tab: which token it used and
 * the pair it got. Kept in IndexedDB because a tab that takes the refresh
 * lock right after another released it may still read the old pair from
 * localStorage (Chromium hands localStorage changes to other tabs' processes
 * asynchronously), and sending the used token again would revoke every
 * session; IndexedDB transactions are ordered across tabs, so a rotation
 * committed before the lock was released is seen by the next holder.
 */
interface Rotation {
  used: string;
  pair: TokenPair;
}
const ROTATIONS = 'rotations';
let rotationsDb: Promise<IDBDatabase | null> | undefined;

function openRotations(): Promise<IDBDatabase | null> {
  rotationsDb ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open('box-office', 1);
      request.onupgradeneeded = () => request.result.createObjectStore(ROTATIONS);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch {
      // No IndexedDB (a private window of some browsers): localStorage alone, as before.
      resolve(null);
    }
  });
  return rotationsDb;
}

async function lastRotation(): Promise<Rotation | null> {
  const db = await openRotations();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const request = db.transaction(ROTATIONS, 'readonly').objectStore(ROTATIONS).get('last');
      request.onsuccess = () => resolve((request.result as Rotation | undefined) ?? null);
      request.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** Resolves once the rotation is committed (or could not be): before the refresh lock is released. */
async function recordRotation(rotation: Rotation | null): Promise<void> {
  const db = await openRotations();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const transaction = db.transaction(ROTATIONS, 'readwrite');
      if (rotation) transaction.objectStore(ROTATIONS).put(rotation, 'last');
      else transaction.objectStore(ROTATIONS).delete('last');
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => resolve();
      transaction.onabort = () => resolve();
    } catch {
      resolve();
    }
  });
}

export type SessionState = { status: 'signed-out' } | { status: 'signed-in'; me: Me | null };

/**
 * Who is signed in: the token pair (kept in localStorage, so a reload and
 * other tabs share it) and the signed-in user. Refresh tokens rotate and a
 * reused one revokes every session, so a refresh happens once for all tabs:
 * under a shared lock, and only if no other tab rotated the pair meanwhile.
 */
class Session {
  private tokens = read();
  private me: Me | null = null;
  private state: SessionState = this.tokens ? { status: 'signed-in', me: null } : { status: 'signed-out' };
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<TokenPair | null> | null = null;
  /** Set when the session ended by itself (its refresh token was refused), for the login page to say so. */
  endedByItself = false;

  constructor() {
    window.addEventListener('storage', (event) => {
      if (event.key !== STORAGE_KEY) return;
      const before = this.tokens?.refresh;
      this.tokens = read();
      if (this.tokens?.refresh === before) return;
      if (!this.tokens) this.me = null;
      this.update();
      if (this.tokens && !this.me) void this.loadMe();
    });
    if (this.tokens) void this.loadMe();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): SessionState => this.state;

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    const tokens = this.tokens;
    if (!tokens) return null;
    if (expiryOf(tokens.access) - Date.now() > REFRESH_AHEAD_MS) return tokens.access;
    return (await this.refresh(tokens.refresh))?.access ?? null;
  }

  /** After the API refused `rejected`: a newer token if another request or tab already has one, else a refreshed one. */
  async accessTokenAfterRejection(rejected: string): Promise<string | null> {
    const tokens = this.tokens;
    if (!tokens) return null;
    if (tokens.access !== rejected) return tokens.access;
    return (await this.refresh(tokens.refresh))?.access ?? null;
  }

  async signIn(username: string, password: string): Promise<void> {
    const { data } = await call(auth.POST('/login', { body: { username, password } }));
    this.endedByItself = false;
    this.store(data);
    await this.loadMe();
  }

  async signOut(): Promise<void> {
    const tokens = this.tokens;
    this.store(null);
    void recordRotation(null);
    // Revoke the refresh token too; signed out locally whatever the answer.
    if (tokens) await auth.POST('/logout', { body: { refresh: tokens.refresh } }).catch(() => undefined);
  }

  private refresh(used: string): Promise<TokenPair | null> {
    this.refreshing ??= exclusively(async () => {
      const current = read();
      // Another tab rotated the pair (or signed out) while this one waited for the lock.
      if (!current || current.refresh !== used) {
        this.tokens = current;
        return current;
      }
      // Or it did, and this tab's localStorage does not show it yet.
      const rotated = await lastRotation();
      if (rotated?.used === used) {
        this.store(rotated.pair);
        return rotated.pair;
      }
      const { data, response } = await auth.POST('/login/refresh', { body: { refresh: used } });
      if (data) {
        await recordRotation({ used, pair: data });
        this.store(data);
        return data;
      }
      // A refused refresh token ends the session; any other failure (the network) keeps it for the next try.
      if (response.status === 401) {
        this.endedByItself = true;
        this.store(null);
      }
      return null;
    }).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async loadMe(retried = false): Promise<void> {
    const token = await this.accessToken().catch(() => null);
    if (!token) return;
    const { data, response } = await auth.GET('/me', { headers: { authorization: `Bearer ${token}` } }).catch(() => ({ data: undefined, response: undefined }));
    if (data) {
      this.me = data;
      this.update();
    } else if (response?.status === 401 && !retried && (await this.accessTokenAfterRejection(token))) {
      await this.loadMe(true);
    }
  }

  private store(tokens: TokenPair | null): void {
    this.tokens = tokens;
    if (!tokens) this.me = null;
    write(tokens);
    this.update();
  }

  private update(): void {
    this.state = this.tokens ? { status: 'signed-in', me: this.me } : { status: 'signed-out' };
    for (const listener of this.listeners) listener();
  }
}

export const session = new Session();
