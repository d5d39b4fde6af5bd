import type { MyBooking } from '../api/client';
import { session } from '../api/session';

/**
 * Tickets kept on this device, so a ticket page once loaded still shows at the
 * door without a network: the booking as /my-bookings/ said it and its QR code
 * as a data: URL (the content security policy allows data: images), one
 * localStorage entry per booking. Signing out forgets them all.
 */
const PREFIX = 'box-office.ticket.';

export interface SavedTicket {
  booking: MyBooking;
  /** The QR code PNG (GET /bookings/{id}/ticket.png) as a data: URL. */
  qr: string;
  /** When it was saved (ISO). */
  saved_at: string;
}

export function savedTicket(id: number): SavedTicket | null {
  try {
    const value = JSON.parse(localStorage.getItem(PREFIX + id) ?? 'null') as Partial<SavedTicket> | null;
    if (!value || typeof value.qr !== 'string' || !value.qr.startsWith('data:image/png;base64,')) return null;
    if (typeof value.booking !== 'object' || value.booking?.id !== id || typeof value.saved_at !== 'string') return null;
    return value as SavedTicket;
  } catch {
    // Unreadable storage is no saved ticket.
    return null;
  }
}

export function saveTicket(ticket: SavedTicket): void {
  try {
    localStorage.setItem(PREFIX + ticket.booking.id, JSON.stringify(ticket));
  } catch {
    // A full or refused storage only costs the offline copy.
  }
}

export function forgetTicket(id: number): void {
  localStorage.removeItem(PREFIX + id);
}

export function forgetAllTickets(): void {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  keys.forEach((key) => localStorage.removeItem(key));
}

// Tickets belong to whoever is signed in: none stay on the device after a sign-out (here or in another tab).
const forgetWhenSignedOut = () => {
  if (session.snapshot().status === 'signed-out') forgetAllTickets();
};
session.subscribe(forgetWhenSignedOut);
forgetWhenSignedOut();

/** A Blob (the PNG) as a data: URL. */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable image'));
    reader.readAsDataURL(blob);
  });
}

/** "C7" → "Row C, seat 7"; any other label as it is. */
export function seatWords(label: string): string {
  const match = /^([A-Z]+)(\d+)$/.exec(label);
  return match ? `Row ${match[1]}, seat ${match[2]}` : `Seat ${label}`;
}
