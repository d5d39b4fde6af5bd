import { mayActSql } from '../../common/access/may-act';
import { statement } from '../../database/statement';

export type TicketCodeRow =
  | { refusal: null; ticket_code: string }
  | { refusal: 'BOOKING_NOT_FOUND' | 'NOT_BOOKING_OWNER'; ticket_code: null };

/**
 * A booking's ticket code, for the actor who may read it (`actorId`,
 * `forAnyone`: see src/common/access/may-act.ts, act 'read-ticket'); anyone
 * else gets the refusal and never the code, decided here in one statement.
 */
export const TICKET_CODE = statement<[bookingId: number, actorId: number, forAnyone: boolean], TicketCodeRow>({
  name: 'ticket-code',
  text: `
SELECT CASE
         WHEN b.id IS NULL THEN 'BOOKING_NOT_FOUND'
         WHEN NOT ${mayActSql('b.user_id', '$2', '$3')} THEN 'NOT_BOOKING_OWNER'
       END AS refusal,
       CASE WHEN ${mayActSql('b.user_id', '$2', '$3')} THEN b.ticket_code END AS ticket_code
  FROM (SELECT 1) AS one
  LEFT JOIN bookings b ON b.id = $1`,
});
