import type { Browser, Page } from 'playwright-core';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { ADMIN } from '../setup/test-app';
import { describeWithBrowser, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';

/** A start far enough ahead to be valid, at a whole minute (a datetime-local field's precision), in UTC like the test browser. */
const startAt = (daysAhead: number, hour: number) => {
  const d = new Date(Date.now() + daysAhead * 24 * 3600 * 1000);
  d.setUTCHours(hour, 0, 0, 0);
  return { input: d.toISOString().slice(0, 16), iso: d.toISOString() };
};

describeWithBrowser('staff pages (browser e2e)', () => {
  let { ctx, api, admin, john } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let staff: Tab;
  let page: Page;

  beforeAll(async () => {
    ({ ctx, api, admin, john } = await bookingWorld());
    browser = await launchBrowser();
    staff = await openTab(browser, ctx.url);
    page = staff.page;
    // Staff log in through the form like anyone else.
    await page.goto('/login?next=%2Fadmin');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Movies' }).waitFor();
  });
  afterEach(() => expect(staff.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('creates a movie and a show through the forms, sees an overlap refused with SCREEN_BUSY, and a bad field named', async () => {
    const title = `Admin film ${unique()}`;
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a movie' }) });
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Duration (minutes)').fill('ninety');
    await form.getByRole('button', { name: 'Add movie' }).click();
    await form.locator('.field-error').filter({ hasText: 'Duration must be a whole number.' }).waitFor();
    await form.getByLabel('Duration (minutes)').fill('95');
    await form.getByRole('button', { name: 'Add movie' }).click();
    await page.getByRole('rowheader', { name: title }).waitFor();
    const movie = ((await api.movies({ search: title }).expect(200)).body as { id: number; title: string; duration_minutes: number }[])[0];
    expect(movie).toMatchObject({ title, duration_minutes: 95 });

    // Edited in its row: a bad field is named there, then Save changes the movie.
    await page.getByRole('button', { name: `Edit ${title}` }).click();
    const row = page.getByRole('form', { name: `Edit ${title}` });
    await row.getByLabel('Duration (minutes)').fill('ninety');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.locator('.field-error').filter({ hasText: 'Duration must be a whole number.' }).waitFor();
    await row.getByLabel('Duration (minutes)').fill('97');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api.movies({ search: title }).expect(200)).body).toMatchObject([{ id: movie.id, duration_minutes: 97 }]);

    await page.getByRole('link', { name: `Shows of ${title}` }).click();
    await page.getByRole('heading', { name: `${title}: shows` }).waitFor();
    const screen = `Screen ${unique()}`;
    const first = startAt(3, 18);
    const schedule = page.locator('form', { has: page.getByRole('heading', { name: 'Schedule a show' }) });
    await schedule.getByLabel('Screen').fill(screen);
    await schedule.getByLabel('Starts at').fill(first.input);
    await schedule.getByLabel('Seats').fill('50');
    await schedule.getByRole('button', { name: 'Schedule show' }).click();
    await page.getByRole('cell', { name: screen }).waitFor();
    await page.getByText('0 sold · 0 held · 50 free').waitFor();
    const shows = (await api.movieShows(movie.id).expect(200)).body as { id: number; date_time: string; screen_name: string }[];
    expect(shows).toEqual([expect.objectContaining({ screen_name: screen, date_time: first.iso, total_seats: 50 })]);

    // 95 minutes from 18:00 runs to 19:35: a show on the same screen at 19:00 overlaps it.
    await schedule.getByLabel('Screen').fill(screen);
    await schedule.getByLabel('Starts at').fill(startAt(3, 19).input);
    await schedule.getByLabel('Seats').fill('50');
    await schedule.getByRole('button', { name: 'Schedule show' }).click();
    const refusal = schedule.getByRole('alert');
    await refusal.waitFor();
    // The form says what the API says to the same request.
    const same = await api.createShow(admin, movie.id, { screen_name: screen, date_time: startAt(3, 19).iso, total_seats: 50 }).expect(409);
    expect(same.body.code).toBe('SCREEN_BUSY');
    expect(await refusal.textContent()).toBe(same.body.detail);
    expect((await api.movieShows(movie.id).expect(200)).body).toHaveLength(1);
  });

  it("shows each show's occupancy at a glance, and a show with bookings cannot be deleted", async () => {
    const movie = (await api.createMovie(admin, { title: `Busy film ${unique()}`, duration_minutes: 100 }).expect(201)).body;
    const show = (await api.createShow(admin, movie.id, { screen_name: `Screen ${unique()}`, date_time: startAt(4, 12).iso, total_seats: 30 }).expect(201)).body;
    await api.book(john, show.id, [1, 2]).expect(201);
    await api.hold(john, show.id, [9]).expect(201);

    await page.goto(`/admin/movies/${movie.id}`);
    await page.getByText('2 sold · 1 held · 27 free').waitFor();
    // Delete asks first (test/web/managers-day.e2e-spec.ts); confirmed, the API's refusal is shown in the row.
    await page.getByRole('button', { name: /^Delete the show of/ }).click();
    await page.getByRole('button', { name: 'Yes, delete the show' }).click();
    const refusal = page.getByRole('row', { name: new RegExp(show.screen_name) }).getByRole('alert');
    await refusal.waitFor();
    const same = await api.deleteShow(admin, show.id).expect(409);
    expect(same.body.code).toBe('SHOW_HAS_BOOKINGS');
    expect(await refusal.textContent()).toBe(same.body.detail);
    await api.show(show.id).expect(200);
  });

  it('moves a show with bookings only when told to e-mail its customers: without the box ticked the API refuses, with it the show moves', async () => {
    const movie = (await api.createMovie(admin, { title: `Moved film ${unique()}`, duration_minutes: 90 }).expect(201)).body;
    const show = (await api.createShow(admin, movie.id, { screen_name: `Screen ${unique()}`, date_time: startAt(6, 15).iso, total_seats: 20 }).expect(201)).body;
    await api.book(john, show.id, [4]).expect(201);
    const later = startAt(6, 18);

    await page.goto(`/admin/movies/${movie.id}`);
    await page.getByRole('button', { name: /^Edit the show of/ }).click();
    const form = page.getByRole('form', { name: /^Edit the show of/ });
    await form.getByLabel('Starts at').fill(later.input);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('This show has 1 booked seat and 0 held seats. To move it, tick “Move it and e-mail its customers”').waitFor();
    expect(await form.getByText(/notify_customers/).count()).toBe(0);
    expect((await api.show(show.id).expect(200)).body.date_time).toBe(show.date_time);

    await form.getByLabel(/^Move it and e-mail its customers \(1 booked seat, 0 held seats\)/).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await api.show(show.id).expect(200)).body.date_time).toBe(later.iso);
  });

  it('cancels a show after a confirmation step: its row and its page say Cancelled, and its seats are no longer offered', async () => {
    const movie = (await api.createMovie(admin, { title: `Cancelled film ${unique()}`, duration_minutes: 90 }).expect(201)).body;
    const show = (await api.createShow(admin, movie.id, { screen_name: `Screen ${unique()}`, date_time: startAt(5, 15).iso, total_seats: 20 }).expect(201)).body;
    await api.book(john, show.id, [3]).expect(201);

    await page.goto(`/admin/movies/${movie.id}`);
    await page.getByText('1 sold · 0 held · 19 free').waitFor();
    const row = page.getByRole('row', { name: new RegExp(show.screen_name) });
    // The first click only asks; "Keep it" changes nothing.
    await row.getByRole('button', { name: /^Cancel the show of/ }).click();
    const confirm = row.getByRole('group', { name: /^Cancel the show of .*\?$/ });
    await confirm.getByText(/^Cancel this show\? Its 1 booked seat and any holds are cancelled/).waitFor();
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await api.show(show.id).expect(200)).body.status).toBe('scheduled');

    await row.getByRole('button', { name: /^Cancel the show of/ }).click();
    await row.getByRole('button', { name: 'Yes, cancel the show' }).click();
    await row.getByText(/^Cancelled/).waitFor();
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ status: 'cancelled', booked_seats: 0 });
    expect(await row.getByRole('button', { name: /^(Edit|Cancel) the show of/ }).count()).toBe(0);

    await page.goto(`/shows/${show.id}`);
    await page.getByText(/^Cancelled: this show will not take place/).waitFor();
    expect(await page.getByRole('button', { name: /^Row A seat/ }).count()).toBe(0);
  });

  it('is for staff only: a customer is told so and sees no admin link', async () => {
    const customer = await openTab(browser, ctx.url);
    await signInTab(customer, john);
    await customer.page.goto('/admin');
    await customer.page.getByText('This page is for staff: your account cannot change the programme.').waitFor();
    expect(await customer.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(customer.errors).toEqual([]);
    await customer.context.close();
  });
});
