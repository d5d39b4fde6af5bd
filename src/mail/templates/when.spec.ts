import { localIso } from '../../common/time-zone';
import { when } from './when';

describe('times in messages', () => {
  it("say the cinema's wall clock, and UTC only when that is the cinema's", () => {
    const at = new Date('2026-12-08T13:00:00Z');
    expect(when(at.toISOString())).toBe('Tue, 08 Dec 2026 13:00 UTC');
    expect(when(at.toISOString())).toBe(at.toUTCString().replace(/:\d\d GMT$/, ' UTC'));
    expect(when(localIso(at, 'UTC'))).toBe('Tue, 08 Dec 2026 13:00 UTC');
    expect(when(localIso(at, 'Europe/Berlin'))).toBe('Tue, 08 Dec 2026 14:00');
    expect(when(localIso(new Date('2026-12-08T11:00:00Z'), 'Pacific/Auckland'))).toBe('Wed, 09 Dec 2026 00:00');
  });
});
