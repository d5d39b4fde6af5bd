import { escapeHtml, layout, Rendered } from './layout';

export interface OrderRefundedMail {
  username: string;
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

/** An amount in minor units, as people write it ("€12.50"). */
export function formatMoney(amount: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 10 ** digits);
}

const when = (iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT$/, ' UTC');

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
      `Hello ${mail.username},`,
      `we have refunded ${money} for ${mail.title} on ${when(mail.startsAt)}, ${mail.screen}: ${mail.reason ? WHY[mail.reason] : 'your order was refunded'}.`,
      'The money goes back to the card you paid with; your bank may take a few days to show it.',
    ],
    `<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your orders</a></p>`,
    `Your orders: ${mail.link}`,
  );
}
