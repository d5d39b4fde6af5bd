import type { Browser } from 'playwright-core';
import { Client } from 'pg';
import { BookingWorld, bookingWorld } from '../factories';
import { describeWithBrowser, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';
import { waitFor } from '../support/wait';

/**
 * A show selling out answers 503 SHOW_BUSY with a ticket (see the sell-out line
 * spec): the web app waits as told and comes back with the ticket, so the
 * customer keeps their place and simply gets their hold a moment later.
 */
describeWithBrowser('the web app waits its turn in a show’s line (browser e2e, 390 × 844)', () => {
  let { ctx, api, jane, john, newShow } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let tab: Tab;
  let locker: Client;

  beforeAll(async () => {
    // One request of a show at a time, and no waiting in the process: the second is told to come back.
    ({ ctx, api, jane, john, newShow } = await bookingWorld({ env: { BOOKING_ADMISSION_PER_SHOW: '1', BOOKING_ADMISSION_WAIT_MS: '0' } }));
    browser = await launchBrowser();
    tab = await openTab(browser, ctx.url, { width: 390, height: 844 });
    await signInTab(tab, john);
    locker = new Client({ connectionString: ctx.db.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await browser?.close();
    await ctx?.teardown();
  });

  it('told SHOW_BUSY, it holds the seat once its ticket is due, with no error shown', async () => {
    const show = await newShow(20);
    const { page } = tab;
    await page.goto(`/shows/${show.id}`);
    await page.getByText('Live: seats change here').waitFor();

    const holds: { status: number; ticketSent: string | null; ticketGiven: string | null }[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && /\/shows\/\d+\/holds\/?$/.test(new URL(response.url()).pathname)) {
        holds.push({ status: response.status(), ticketSent: response.request().headers()['queue-ticket'] ?? null, ticketGiven: response.headers()['queue-ticket'] ?? null });
      }
    });

    // Jane's booking is in flight, kept there by a transaction on the show's seats: the line is full.
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM seats WHERE show_id = $1 FOR UPDATE', [show.id]);
    const janes = api.book(jane, show.id, 1).then((res) => res.status);
    // Waiting for this locker's rows: the server's other waits are other spec files' races.
    const waiting = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))`;
    await waitFor('Jane’s booking to be in flight', async () => (await locker.query(waiting)).rows[0].n > 0, 5000);

    await page.locator('[data-seat="3"]').click();
    await page.locator('.checkout').getByRole('button', { name: /^Hold/ }).click();
    await waitFor('the hold to be told to come back', () => holds.length === 1, 5000);
    expect(holds[0]).toMatchObject({ status: 503, ticketSent: null, ticketGiven: expect.any(String) });
    await locker.query('COMMIT');
    expect(await janes).toBe(201);

    await page.locator('.checkout').getByText(/Held for you/).waitFor({ timeout: 10_000 });
    expect(holds.slice(1)).toEqual([{ status: 201, ticketSent: holds[0].ticketGiven, ticketGiven: null }]);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(tab.errors.filter((e) => !e.includes('503'))).toEqual([]);
  });
});
