import { rm } from 'node:fs/promises';
import { registry } from './global-setup';

/** Stops the throwaway cluster and removes its folder; jest runs this whether tests passed or not. */
export default async function globalTeardown(): Promise<void> {
  const embedded = registry.__E2E_EMBEDDED__;
  if (!embedded) return;
  registry.__E2E_EMBEDDED__ = undefined;
  try {
    await embedded.stop();
  } finally {
    await rm(embedded.dir, { recursive: true, force: true });
  }
}
