/** Injection token: the PostgreSQL URL the app runs on (DATABASE_URL or the embedded server's). */
export const DATABASE_URL = Symbol('DATABASE_URL');
