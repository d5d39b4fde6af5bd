import { useSyncExternalStore } from 'react';

/**
 * One polite live region for the whole app (rendered by the layout): what
 * changed on screen without the person doing it, or the outcome of what they
 * did, read out when the screen reader is idle.
 */
let message = '';
let serial = 0;
const listeners = new Set<() => void>();

export function announce(text: string): void {
  // The same words twice in a row are still read twice: the region's content changes each time.
  serial++;
  message = serial % 2 === 0 ? `${text}\u00a0` : text;
  listeners.forEach((listener) => listener());
}

export function useAnnouncement(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => message,
  );
}
