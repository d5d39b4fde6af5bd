import { statement } from '../../database/statement';

export const PING = statement<[], { ok: number }>({ name: 'ping', text: 'SELECT 1 AS ok' });
