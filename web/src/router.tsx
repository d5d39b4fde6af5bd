import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** The app's pages. Their paths are the API's where both exist (`/shows/42`): the service tells them apart by Accept. */
export type Route =
  | { page: 'movies' }
  | { page: 'movie'; id: number }
  | { page: 'show'; id: number }
  | { page: 'my-bookings' }
  | { page: 'my-orders' }
  | { page: 'pay'; id: number }
  | { page: 'ticket'; id: number }
  | { page: 'check-in' }
  | { page: 'login' }
  | { page: 'signup' }
  | { page: 'forgot-password' }
  | { page: 'reset-password' }
  | { page: 'admin' }
  | { page: 'admin-movie'; id: number }
  | { page: 'admin-today' }
  | { page: 'admin-show-bookings'; id: number }
  | { page: 'not-found' };

const PATTERNS: [RegExp, (id: number) => Route][] = [
  [/^\/(movies)?$/, () => ({ page: 'movies' })],
  [/^\/movies\/(\d{1,10})$/, (id) => ({ page: 'movie', id })],
  [/^\/shows\/(\d{1,10})$/, (id) => ({ page: 'show', id })],
  [/^\/my-bookings$/, () => ({ page: 'my-bookings' })],
  [/^\/my-orders$/, () => ({ page: 'my-orders' })],
  [/^\/orders\/(\d{1,10})\/pay$/, (id) => ({ page: 'pay', id })],
  [/^\/tickets\/(\d{1,10})$/, (id) => ({ page: 'ticket', id })],
  [/^\/check-in$/, () => ({ page: 'check-in' })],
  [/^\/login$/, () => ({ page: 'login' })],
  [/^\/signup$/, () => ({ page: 'signup' })],
  [/^\/forgot-password$/, () => ({ page: 'forgot-password' })],
  [/^\/reset-password$/, () => ({ page: 'reset-password' })],
  [/^\/admin$/, () => ({ page: 'admin' })],
  [/^\/admin\/movies\/(\d{1,10})$/, (id) => ({ page: 'admin-movie', id })],
  [/^\/admin\/today$/, () => ({ page: 'admin-today' })],
  [/^\/admin\/shows\/(\d{1,10})\/bookings$/, (id) => ({ page: 'admin-show-bookings', id })],
];

export function routeOf(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return route(Number(match[1] ?? 0));
  }
  return { page: 'not-found' };
}

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const locationKey = () => location.pathname + location.search;

/** The current path and query; re-renders on navigation. */
export function useLocation(): { pathname: string; query: URLSearchParams } {
  const key = useSyncExternalStore(subscribe, locationKey);
  const url = new URL(key, location.origin);
  return { pathname: url.pathname, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** Where to come back to after logging in: only a path of this app, never another site. */
export function returnPath(query: URLSearchParams): string {
  const next = query.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export const loginPath = (next = location.pathname) => `/login?next=${encodeURIComponent(next)}`;

/** A link that navigates inside the app (a new tab, or a modified click, stays the browser's). */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
