import { isTimeZone, localDate, localIso } from './time-zone';

describe('the cinema time zone', () => {
  it('knows IANA zones and refuses what is not one', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it.each([
    ['2026-12-08T13:00:00.000Z', 'Europe/Berlin', '2026-12-08T14:00:00+01:00'],
    ['2026-07-08T12:00:00.000Z', 'Europe/Berlin', '2026-07-08T14:00:00+02:00'],
    ['2026-12-08T22:30:00.000Z', 'America/Los_Angeles', '2026-12-08T14:30:00-08:00'],
    ['2026-12-08T11:00:00.000Z', 'Pacific/Auckland', '2026-12-09T00:00:00+13:00'],
    ['2026-12-08T11:00:00.000Z', 'Asia/Kolkata', '2026-12-08T16:30:00+05:30'],
    ['2026-12-08T11:00:00.000Z', 'UTC', '2026-12-08T11:00:00+00:00'],
  ])('%s in %s reads %s, the same instant', (instant, zone, local) => {
    expect(localIso(new Date(instant), zone)).toBe(local);
    expect(new Date(local).toISOString()).toBe(instant);
  });

  it('names the day in the zone, across midnight UTC', () => {
    expect(localDate(new Date('2026-12-08T11:00:00Z'), 'Pacific/Auckland')).toBe('2026-12-09');
    expect(localDate(new Date('2026-12-09T05:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-08');
  });
});
