/**
 * Why the embedded PostgreSQL could not start, in one line that says what to
 * do about it. The service logs the message alone (no stack) and exits 1.
 */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}
