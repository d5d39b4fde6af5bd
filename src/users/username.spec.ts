import { normalizeUsername, usernameKey, usernameProblem } from './username';

const accepted = (raw: string) => usernameProblem(normalizeUsername(raw)) === undefined;

describe('usernames', () => {
  it.each(['john_doe', 'José', 'Zoë', '李雷', 'さくら_サクラ', '김민준', 'Ελένη', 'Дмитрий', 'राहुल', 'a.b@c+d-e', 'x'.repeat(150)])('accepts %s', (name) => {
    expect(accepted(name)).toBe(true);
  });

  it.each([
    ['too short', 'ab'],
    ['too short, even wide', '李'],
    ['too long', 'x'.repeat(151)],
    ['a space', 'john doe'],
    ['a zero-width joiner', 'john\u200Ddoe'],
    ['a right-to-left override', 'john\u202Edoe'],
    ['a soft hyphen', 'jo\u00ADhn'],
    ['a control character', 'john\u0007'],
    ['a leading combining mark', '\u0301john'],
    ['Cyrillic а among Latin letters', '\u0430dmin'],
    ['Greek ο among Latin letters', 'r\u03BFot'],
    ['an emoji', 'john🎬'],
    ['a slash', 'jo/hn'],
  ])('refuses %s', (_case, name) => {
    expect(accepted(name)).toBe(false);
  });

  it('stores the NFKC form: full-width letters and ligatures become the usual ones', () => {
    expect(normalizeUsername('ｊｏｈｎ')).toBe('john');
    expect(normalizeUsername('ﬁona')).toBe('fiona');
    expect(normalizeUsername('Jose\u0301')).toBe('José');
  });

  it('makes names that differ only in case, width or composition one account', () => {
    expect(usernameKey('JOSÉ')).toBe(usernameKey('josé'));
    expect(usernameKey('Jose\u0301')).toBe(usernameKey('JOSÉ'));
    expect(usernameKey('ＪＯＨＮ')).toBe(usernameKey('john'));
    expect(usernameKey('Straße')).toBe(usernameKey('STRASSE'));
    expect(usernameKey('admin')).not.toBe(usernameKey('\u0430dmin'));
  });
});
