import { escapeHtml, layout, Rendered } from './layout';
import { when } from './when';
import { formatMoney } from './money';

export interface TicketLine {
  booking_id: number;
  seat_label: string;
  ticket_code: string;
}

export interface BookingsMail {
  /** NULL: a box-office customer without an account, greeted without a name. */
  username: string | null;
  title: string;
  /** ISO 8601 with the offset of the cinema's time, or UTC. */
  startsAt: string;
  screen: string;
  tickets: TicketLine[];
  /** The customer's bookings page. */
  link: string;
}

/** Money going back with a cancellation: how much, and how it was paid. */
export interface RefundLine {
  amount: number;
  currency: string;
  provider: 'demo' | 'stripe' | 'box_office';
}

export const hello = (username: string | null) => (username ? `Hello ${username},` : 'Hello,');

/** What a cancellation message says of the money: nothing for free seats. */
const refunded = (refund: RefundLine | null) =>
  refund === null || refund.amount === 0
    ? []
    : [
        refund.provider === 'box_office'
          ? `${formatMoney(refund.amount, refund.currency)} is refunded: you paid at the box office, and the box office gives it back.`
          : `${formatMoney(refund.amount, refund.currency)} is refunded to the card you paid with; your bank may take a few days to show it.`,
      ];

const seats = (tickets: TicketLine[]) => tickets.map((t) => t.seat_label).join(', ');

/** The QR image of a ticket is an inline part of the message, named by this content id. */
export const qrContentId = (bookingId: number) => `ticket-${bookingId}@box-office`;

/** Booked (or a hold confirmed): one ticket per seat, each with its QR code inline, and the show as a calendar entry. */
export function bookingsConfirmedMail(cinemaName: string, mail: BookingsMail): Rendered {
  const count = mail.tickets.length;
  const subject = `${cinemaName}: your ${count === 1 ? 'ticket' : `${count} tickets`} for ${mail.title}`;
  const paragraphs = [
    hello(mail.username),
    `you are booked for ${mail.title} on ${when(mail.startsAt)}, ${mail.screen}: ${count === 1 ? 'seat' : 'seats'} ${seats(mail.tickets)}.`,
    `Show the QR code of each ticket at the door; each one admits one person, once. The calendar entry is attached.`,
  ];
  const tickets = mail.tickets
    .map(
      (t) => `<div style="display:inline-block;margin:0 12px 12px 0;padding:12px;border:1px solid #ddd;border-radius:8px;text-align:center">
<img src="cid:${qrContentId(t.booking_id)}" width="180" height="180" alt="QR code of the ticket for seat ${escapeHtml(t.seat_label)}">
<div style="font-size:18px;font-weight:600;margin-top:6px">Seat ${escapeHtml(t.seat_label)}</div>
<div style="font-family:monospace;font-size:11px;color:#555;word-break:break-all">${escapeHtml(t.ticket_code)}</div></div>`,
    )
    .join('\n');
  const html = `${tickets}\n<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your bookings</a></p>`;
  const text = `${mail.tickets.map((t) => `Seat ${t.seat_label}: ticket ${t.ticket_code}`).join('\n')}\n\nYour bookings: ${mail.link}`;
  return layout(cinemaName, subject, paragraphs, html, text);
}

export interface CancelledMail {
  username: string | null;
  title: string;
  startsAt: string;
  screen: string;
  seatLabel: string;
  refund: RefundLine | null;
}

/** A booking cancelled (by its owner or an admin): the seat is given back. */
export function bookingCancelledMail(cinemaName: string, mail: CancelledMail): Rendered {
  const subject = `${cinemaName}: booking cancelled, ${mail.title}, seat ${mail.seatLabel}`;
  return layout(cinemaName, subject, [
    hello(mail.username),
    `your booking of seat ${mail.seatLabel} for ${mail.title} on ${when(mail.startsAt)}, ${mail.screen}, is cancelled. Its ticket no longer admits anyone.`,
    ...refunded(mail.refund),
  ]);
}

export interface ShowCancelledMail {
  username: string | null;
  title: string;
  startsAt: string;
  screen: string;
  /** The customer's seats of the show, all cancelled with it. */
  seatLabels: string[];
  /** What the seats had cost, all refunded. */
  refund: RefundLine | null;
  /** The customer's bookings page. */
  link: string;
}

/** The show was cancelled by the cinema: the customer's bookings of it are cancelled, their tickets void. */
export function showCancelledMail(cinemaName: string, mail: ShowCancelledMail): Rendered {
  const one = mail.seatLabels.length === 1;
  const subject = `${cinemaName}: show cancelled, ${mail.title} on ${when(mail.startsAt)}`;
  return layout(
    cinemaName,
    subject,
    [
      hello(mail.username),
      `we are sorry: the show of ${mail.title} on ${when(mail.startsAt)}, ${mail.screen}, is cancelled.`,
      `Your ${one ? 'booking of seat' : 'bookings of seats'} ${mail.seatLabels.join(', ')} ${one ? 'is' : 'are'} cancelled with it, and ${one ? 'its ticket no longer admits' : 'their tickets no longer admit'} anyone.`,
      ...refunded(mail.refund),
    ],
    `<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your bookings</a></p>`,
    `Your bookings: ${mail.link}`,
  );
}

export interface ShowMovedMail {
  username: string | null;
  title: string;
  /** When and where the show was before the move. */
  from: { startsAt: string; screen: string };
  /** When and where the move put it. */
  to: { startsAt: string; screen: string };
  /** The customer's seats of the show, which it keeps. */
  seatLabels: string[];
  /** The customer's bookings page. */
  link: string;
}

/** The cinema moved the show to another time or screen: the customer's seats and tickets stay theirs. */
export function showMovedMail(cinemaName: string, mail: ShowMovedMail): Rendered {
  const one = mail.seatLabels.length === 1;
  const subject = `${cinemaName}: show moved, ${mail.title} now on ${when(mail.to.startsAt)}`;
  return layout(
    cinemaName,
    subject,
    [
      hello(mail.username),
      `the show of ${mail.title} on ${when(mail.from.startsAt)}, ${mail.from.screen}, has moved: it is now on ${when(mail.to.startsAt)}, ${mail.to.screen}.`,
      `Your ${one ? 'seat' : 'seats'} ${mail.seatLabels.join(', ')} ${one ? 'is' : 'are'} kept, and ${one ? 'its ticket admits' : 'their tickets admit'} you at the new time.`,
    ],
    `<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your bookings</a></p>`,
    `Your bookings: ${mail.link}`,
  );
}

/** REMINDER_HOURS_BEFORE the show: when and where, and which seats. */
export function showReminderMail(cinemaName: string, mail: BookingsMail): Rendered {
  const subject = `${cinemaName}: ${mail.title} starts ${when(mail.startsAt)}`;
  return layout(
    cinemaName,
    subject,
    [
      hello(mail.username),
      `a reminder: ${mail.title} starts on ${when(mail.startsAt)}, ${mail.screen}. Your ${mail.tickets.length === 1 ? 'seat' : 'seats'}: ${seats(mail.tickets)}.`,
      `Your tickets are in your bookings, and in the message we sent when you booked.`,
    ],
    `<p style="margin:12px 0"><a href="${escapeHtml(mail.link)}">Your bookings</a></p>`,
    `Your bookings: ${mail.link}`,
  );
}
