import { escapeHtml, layout, Rendered } from './layout';
import { when } from './when';
import { hello } from './bookings';
import { formatMoney } from './money';

export interface OrderRefundedMail {
  username: string | null;
  title: string;
  startsAt: string;
  screen: string;
  /** Minor units. */
  amount: number;
  currency: string;
  reason: 'SEATS_GONE' | 'SHOW_CANCELLED' | 'CUSTOMER_CANCELLED' | 'ADMIN_CANCELLED' | null;
  /** The customer's orders page. */
  link: string;
}


const WHY: Record<NonNullable<OrderRefundedMail['reason']>, string> = {
  SEATS_GONE: 'your payment arrived after your seats were given to someone else, so we could not book them',
  SHOW_CANCELLED: 'the show was cancelled',
  CUSTOMER_CANCELLED: 'you cancelled your booking',
  ADMIN_CANCELLED: 'the cinema cancelled your booking',
};

/** An order refunded in full: why, and how much goes back. */
export function orderRefundedMail(cinemaName: string, mail: OrderRefundedMail): Rendered {
  const money = formatMoney(mail.amount, mail.currency);
  const subject = `${cinemaName}: ${money} refunded, ${mail.title}`;
  return layout(
    cinemaName,
    subject,
    [
      hello(mail.username),
      `we have refunded ${money} for ${mail.title} on ${when(mail.startsAt)}, ${mail.screen}: ${mail.reason ? WHY[mail.reason] : 'your order was refunded'}.`,
      'The money goes back to the card you paid with; your bank may take a few days to show it.',
    ],
    `<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your orders</a></p>`,
    `Your orders: ${mail.link}`,
  );
}
