import jsQR from 'jsqr';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { BookingWorld, bookingWorld, logIn, signupAndLogin, TestUser, unique } from '../factories';
import { ADMIN } from '../setup/test-app';
import { closeTabs, describeWithBrowser, expectAccessible, fakeCamera, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';

interface Ticket {
  id: number;
  show_id: number;
  seat_number: number;
  seat_label: string;
  ticket_code: string;
  checked_in_at: string | null;
}

/** What a door scanner reads from PNG bytes: the QR code's text, or null. */
function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** "19:02", as the app shows a time to a browser in UTC and en-GB. */
const hhmm = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/**
 * A camera picture for Chromium's fake capture device: `code`'s QR code in
 * the middle of a white 640×480 frame, as one-frame Y4M (YUV 4:2:0: the
 * luma plane, then the two chroma planes at half size each way).
 */
async function qrVideo(code: string, file: string): Promise<void> {
  const [width, height] = [640, 480];
  const qr = PNG.sync.read(await QRCode.toBuffer(code, { errorCorrectionLevel: 'M', margin: 4, scale: 8 }));
  const y = Buffer.alloc(width * height, 255);
  const u = Buffer.alloc((width / 2) * (height / 2), 128);
  const v = Buffer.alloc((width / 2) * (height / 2), 128);
  const [left, top] = [Math.floor((width - qr.width) / 2), Math.floor((height - qr.height) / 2)];
  for (let row = 0; row < qr.height; row++) {
    for (let column = 0; column < qr.width; column++) {
      const at = (row * qr.width + column) * 4;
      const [r, g, b] = [qr.data[at], qr.data[at + 1], qr.data[at + 2]];
      const [px, py] = [left + column, top + row];
      y[py * width + px] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      if (px % 2 === 0 && py % 2 === 0) {
        const half = (py / 2) * (width / 2) + px / 2;
        u[half] = Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        v[half] = Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(file, Buffer.concat([header, Buffer.from('FRAME\n'), y, u, v]));
}

describeWithBrowser('tickets and the door (browser e2e)', () => {
  let { ctx, api, admin, john, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];
  let staff: TestUser;

  const tab = async (user?: { access: string; refresh: string }, on = browser) => {
    const opened = await openTab(on, ctx.url);
    if (user) await signInTab(opened, user);
    tabs.push(opened);
    return opened;
  };
  /** A show that starts in half an hour: check-in is open (it opens CHECK_IN_OPENS_MINUTES, 60, before). */
  const showSoon = async (totalSeats: number) =>
    (await api.createShow(admin, movieId, { screen_name: `Door ${unique()}`, date_time: new Date(Date.now() + 30 * 60_000).toISOString(), total_seats: totalSeats }).expect(201))
      .body as { id: number; screen_name: string };
  /** The door's page for `show`, reached as staff would: the header's link, then the show in the list. */
  const openDoor = async (page: Page, show: { screen_name: string }) => {
    await page.goto('/');
    await page.getByRole('banner').getByRole('link', { name: 'Check-in' }).click();
    await page.getByRole('heading', { name: 'Check-in: choose a show' }).waitFor();
    await page.getByRole('link', { name: new RegExp(show.screen_name) }).click();
    await page.getByRole('heading', { name: 'Check-in', exact: true }).waitFor();
  };
  const checkInTyped = async (page: Page, code: string) => {
    await page.getByLabel('Ticket code').fill(code);
    await page.getByLabel('Ticket code').press('Enter');
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, movieId } = await bookingWorld());
    browser = await launchBrowser();
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('an admin makes an account staff on the admin page', async () => {
    const user = await signupAndLogin(ctx.http, `door_${unique()}`);
    const { page } = await tab((await api.login(ADMIN).expect(200)).body);
    await page.goto('/admin');
    const form = page.getByRole('search', { name: 'Staff' });
    await form.getByLabel('Username or e-mail').fill(user.username);
    await form.getByRole('button', { name: 'Find accounts' }).click();
    await page.getByRole('rowheader', { name: user.username }).waitFor();
    await page.getByLabel(`Role of ${user.username}`, { exact: true }).selectOption('staff');
    await page.getByRole('button', { name: `Set the role of ${user.username}` }).click();
    await page.getByRole('status').filter({ hasText: `${user.username} is now staff.` }).waitFor();
    const found = (await api.users(admin, { search: user.username }).expect(200)).body as { id: number; role: string }[];
    expect(found).toEqual([expect.objectContaining({ id: user.id, role: 'staff' })]);
    // The change ended the account's sessions: staff log in again, with the new role in the token.
    staff = await logIn(ctx.http, user);
  });

  it('a customer opens a ticket from My bookings (QR, seat, code; offline; printable); the door admits it once and counts it', async () => {
    const show = await showSoon(40);
    // Seats 21 and 22 of 40: two rows of 20, so B1 and B2.
    const booked = (await api.book(john, show.id, [21, 22]).expect(201)).body as Ticket[];
    const first = booked.find((b) => b.seat_number === 21)!;
    expect(first.seat_label).toBe('B1');

    const customer = await tab(john);
    const { page } = customer;
    await page.goto('/my-bookings');
    await page.getByRole('link', { name: /^Ticket for .*Row B seat 2$/ }).waitFor();
    await page.getByRole('link', { name: /^Ticket for .*Row B seat 1$/ }).click();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor();
    const ticket = page.getByRole('article');
    const qr = ticket.getByRole('img', { name: /^QR code of this ticket/ });
    await qr.waitFor();
    await ticket.getByText('Seat B1').waitFor();
    await ticket.getByText('Row B, seat 1').waitFor();
    await ticket.getByText(show.screen_name).waitFor();
    expect(await ticket.locator('code').textContent()).toBe(first.ticket_code);
    expect(await ticket.getByText(/^Checked in at/).count()).toBe(0);

    // The QR code on the page says the booking's ticket code.
    const src = (await qr.getAttribute('src'))!;
    expect(src).toMatch(/^data:image\/png;base64,/);
    expect(decodeQr(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64'))).toBe(first.ticket_code);
    // And so does what the screen shows of it.
    expect(decodeQr(await qr.screenshot())).toBe(first.ticket_code);

    // Printed: only the ticket.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('banner').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print ticket' }).isVisible()).toBe(false);
    expect(await qr.isVisible()).toBe(true);
    expect(await ticket.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
    await page.emulateMedia({ media: 'screen' });

    // Offline, the ticket still shows: the copy saved on the device.
    await customer.context.setOffline(true);
    await page.getByRole('link', { name: 'My bookings' }).last().click();
    await page.getByRole('alert').filter({ hasText: 'The box office could not be reached' }).waitFor();
    await page.goBack();
    await page.getByText(/^Offline: this is the copy saved on this device/).waitFor();
    expect(await page.getByRole('article').locator('code').textContent()).toBe(first.ticket_code);
    expect(await page.getByRole('img', { name: /^QR code of this ticket/ }).getAttribute('src')).toBe(src);
    await customer.context.setOffline(false);
    // What failed to load while offline is the test's doing, not the page's.
    customer.errors.splice(0, customer.errors.length, ...customer.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)));

    // The door.
    const door = await tab(staff);
    await openDoor(door.page, show);
    const counts = door.page.getByText(/^Admitted \d+ of \d+ expected$/);
    await door.page.getByText('Admitted 0 of 2 expected').waitFor();
    await checkInTyped(door.page, first.ticket_code);
    await door.page.getByRole('status').filter({ hasText: 'Admitted — seat B1' }).waitFor();
    await door.page.getByText('Admitted 1 of 2 expected').waitFor();
    expect(await door.page.getByLabel('Ticket code').inputValue()).toBe('');
    await expectAccessible(door.page, 'check-in, admitted');

    await checkInTyped(door.page, first.ticket_code);
    const checkedIn = (await api.myBookings(john, { show_id: show.id }).expect(200)).body.find((b: Ticket) => b.id === first.id) as Ticket;
    expect(checkedIn.checked_in_at).toEqual(expect.any(String));
    const refusal = door.page.getByRole('alert').filter({ hasText: `Already checked in at ${hhmm(checkedIn.checked_in_at!)}` });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^Not admitted/);
    expect(await door.page.getByRole('status').filter({ hasText: 'Admitted — seat' }).count()).toBe(0);
    await expectAccessible(door.page, 'check-in, refused');
    await checkInTyped(door.page, 'no-such-ticket');
    await door.page.getByRole('alert').filter({ hasText: 'Unknown ticket' }).waitFor();
    expect(await counts.textContent()).toBe('Admitted 1 of 2 expected');
    expect((await api.checkInCounts(staff, show.id).expect(200)).body).toMatchObject({ admitted: 1, expected: 2 });

    // The ticket says so too, once loaded again.
    await page.reload();
    await page.getByRole('article').getByText(`Checked in at ${hhmm(checkedIn.checked_in_at!)}`).waitFor();

    // A customer has no door page, nor its link.
    await page.goto('/check-in');
    await page.getByText('This page is for door staff: your account cannot check tickets in.').waitFor();
    expect(await page.getByRole('banner').getByRole('link', { name: 'Check-in' }).count()).toBe(0);
  });

  it('the door reads a QR code from the camera (jsQR where there is no BarcodeDetector), and posts it once while it is held up', async () => {
    const show = await showSoon(30);
    const [booking] = (await api.book(john, show.id, [3]).expect(201)).body as Ticket[];
    const dir = await mkdtemp(join(tmpdir(), 'door-camera-'));
    const video = join(dir, 'ticket.y4m');
    await qrVideo(booking.ticket_code, video);
    const withCamera = await launchBrowser(fakeCamera(video));
    try {
      const door = await tab(staff, withCamera);
      const posts: string[] = [];
      door.page.on('request', (request) => request.method() === 'POST' && request.url().endsWith('/check-ins') && posts.push(request.url()));
      await openDoor(door.page, show);
      await door.page.getByRole('button', { name: 'Start camera' }).click();
      await door.page.getByRole('status').filter({ hasText: 'Admitted — seat A3' }).waitFor({ timeout: 15_000 });
      expect(await door.page.locator('[data-decoder]').getAttribute('data-decoder')).toBe(
        (await door.page.evaluate(() => 'BarcodeDetector' in window)) ? 'BarcodeDetector' : 'jsQR',
      );
      await door.page.getByText('Admitted 1 of 1 expected').waitFor();
      // The code stays in front of the camera: more than the 3 s of quiet later, still one post and the same green verdict.
      await door.page.waitForTimeout(4000);
      expect(posts).toHaveLength(1);
      expect(await door.page.getByRole('alert').filter({ hasText: 'Already checked in' }).count()).toBe(0);
      await door.page.getByRole('button', { name: 'Stop camera' }).click();
      await door.page.getByRole('button', { name: 'Start camera' }).waitFor();
      expect(await door.page.locator('video').evaluate((el: HTMLVideoElement) => el.srcObject)).toBeNull();
    } finally {
      for (const { context, errors } of tabs.splice(0)) {
        expect(errors).toEqual([]);
        await context.close();
      }
      await withCamera.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
