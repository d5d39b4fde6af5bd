import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import { registry } from './global-setup';

/** Drops the run's template database and stops the throwaway cluster, removing its folder; jest runs this whether tests passed or not. */
export default async function globalTeardown(): Promise<void> {
  const template = registry.__E2E_TEMPLATE__;
  registry.__E2E_TEMPLATE__ = undefined;
  if (template) {
    const client = new Client({ connectionString: template.serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template.name} WITH (FORCE)`).finally(() => client.end());
  }
  const embedded = registry.__E2E_EMBEDDED__;
  if (!embedded) return;
  registry.__E2E_EMBEDDED__ = undefined;
  try {
    await embedded.stop();
  } finally {
    await rm(embedded.dir, { recursive: true, force: true });
  }
}
