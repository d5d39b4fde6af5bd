import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiProblem } from '../api/client';

export type Loaded<T> = { status: 'loading' } | { status: 'failed'; problem: ApiProblem } | { status: 'ready'; value: T };

/** Loads `load()` when `key` changes; `reload` loads again, keeping what is shown until the new value arrives. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> & { reload: () => Promise<void> } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const latest = useRef(load);
  latest.current = load;
  const current = useRef(key);
  const reload = useCallback(async () => {
    const asked = current.current;
    try {
      const value = await latest.current();
      if (current.current === asked) setState({ status: 'ready', value });
    } catch (error) {
      if (current.current === asked) setState({ status: 'failed', problem: toProblem(error) });
    }
  }, []);
  useEffect(() => {
    current.current = key;
    setState({ status: 'loading' });
    void reload();
  }, [key, reload]);
  return { ...state, reload };
}

/** Calls `reload` every `everyMs` while the page is in sight (the staff pages follow sales as they happen). */
export function useRefresh(reload: () => Promise<void>, everyMs: number): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
}

export function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(0, { type: 'about:blank', title: 'Error', status: 0, code: 'CLIENT_ERROR', detail: 'Something went wrong on this page. Reload it to try again.' });
}
