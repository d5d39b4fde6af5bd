import { normalizeUsername, SCRIPTS, scriptsOf, usernameKey, usernameProblem } from './username';

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
    ['an invisible Hangul filler (Latin + Hangul otherwise)', 'admin\u3164'],
    ['an invisible Hangul jungseong filler', '김민수\u1160'],
    ['a variation selector', 'admin\uFE0F'],
    ['a combining grapheme joiner', 'admin\u034F'],
    ['Cyrillic а among Latin letters', '\u0430dmin'],
    ['Greek ο among Latin letters', 'r\u03BFot'],
    ['an emoji', 'john🎬'],
    ['a slash', 'jo/hn'],
  ])('refuses %s', (_case, name) => {
    expect(accepted(name)).toBe(false);
  });

  describe('mixing scripts: UTS #39 "Highly Restrictive"', () => {
    it.each([
      ['Han + Latin', '李雷_li'],
      ['Han + Latin + digits', '王wang88'],
      ['Han + Latin', '田中taro'],
      ['Hiragana + Latin', 'たなか_tanaka'],
      ['Hangul + Latin', '김민수kim'],
      ['Bopomofo + Han + Latin', 'ㄅㄆ王li'],
      ['Han + Hiragana + Katakana + Latin', '李さくらサクラli'],
      ['ー, both Hiragana and Katakana, with Latin', 'taroー'],
      ['Latin only', 'john_doe'],
      ['Cyrillic only', 'иван'],
      ['Greek only', 'αλέξης'],
      ['Devanagari with its vowel signs', 'राहुल'],
      ['Arabic with Arabic-Indic digits (Arabic, Thaana and Yezidi)', 'علي٣'],
      ['Latin with an Inherited combining accent', 'q\u0301uinn'],
      ['Common characters only', '2024_'],
    ])('accepts %s: %s', (_case, name) => {
      expect(usernameProblem(normalizeUsername(name))).toBeUndefined();
    });

    it.each([
      ['Cyrillic а among Latin', 'p\u0430ypal', 'Latin and Cyrillic'],
      ['Greek α among Latin', '\u03B1dmin', 'Greek and Latin'],
      ['Greek + Latin', 'alexαλέξης', 'Latin and Greek'],
      ['Cyrillic + Han', 'иван李', 'Cyrillic and Han'],
      ['Hangul + Hiragana, in no one allowed set', '김さくら', 'Hangul and Hiragana'],
      ['Han + Hiragana + Hangul', '李さくら김', 'Han, Hiragana and Hangul'],
      ['Bopomofo + Katakana', 'ㄅㄆサクラ', 'Bopomofo and Katakana'],
      ['Devanagari zeros among Latin', 'g\u0966\u0966gle', 'Latin and Devanagari'],
      ['an Arabic-Indic digit among Latin', 'john\u0663', 'Latin and Arabic'],
      ['a Cyrillic combining mark on Latin', 'john\u0483', 'Latin and Cyrillic'],
      ['Lisu among Latin', '\uA4EEdmin', 'Lisu and Latin'],
    ])('refuses %s (%s), naming the scripts', (_case, name, scripts) => {
      expect(usernameProblem(normalizeUsername(name))).toBe(
        `username mixes letters of different scripts (${scripts}), which could imitate another account`,
      );
    });

    it('knows the script of every letter, mark and digit this runtime has (a new Unicode needs its new scripts listed)', () => {
      const listed = new RegExp(`[${SCRIPTS.map((script) => script.pattern.source).join('')}]`, 'u');
      const anyScript = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
      const allowed = /[\p{L}\p{M}\p{Nd}]/u;
      const unknown: string[] = [];
      for (let code = 0; code <= 0x10ffff; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const char = String.fromCodePoint(code);
        if (allowed.test(char) && !anyScript.test(char) && !listed.test(char)) unknown.push(`U+${code.toString(16).toUpperCase()}`);
      }
      expect(unknown).toEqual([]);
    });

    it('gives a character every script of its Script_Extensions, and none to Common or Inherited ones', () => {
      expect(scriptsOf('a')).toEqual(['Latin']);
      expect(scriptsOf('ー')).toEqual(['Hiragana', 'Katakana']);
      expect(scriptsOf('\u0663')).toEqual(['Arabic', 'Thaana', 'Yezidi']);
      expect(scriptsOf('7')).toBeUndefined();
      expect(scriptsOf('_')).toBeUndefined();
      expect(scriptsOf('\u0327')).toBeUndefined();
    });
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
