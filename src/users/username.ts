/**
 * Usernames as the original service allowed them (Django's `^[\w.@+-]+\Z`,
 * Unicode letters included: José, Zoë, 李雷), kept NFKC-normalised and unique
 * whatever their case, with what could pass for someone else refused: no
 * invisible or format characters (the allowlist has no format characters, and
 * the letters and marks that show nothing are refused apart), and no mix of
 * scripts that could imitate another account (Latin "admin" and Cyrillic-а
 * "аdmin" look alike). Which mixes are allowed is Unicode's rule for
 * identifiers, UTS #39 "Highly Restrictive" (section 5.2): letters, marks and
 * digits all of one script, or all within Latin + Han + Hiragana + Katakana,
 * Latin + Han + Bopomofo, or Latin + Han + Hangul (李雷_li, 田中taro, 김민수kim),
 * the Common and Inherited characters no script claims (0-9, _ . @ + -, some
 * accents) going with any.
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 150;

/** Letters and digits of any script, the marks that follow letters, and . @ + - _ (with the u flag, per code point). */
const ALLOWED = /^[\p{L}\p{Nd}._@+-][\p{L}\p{M}\p{Nd}._@+-]*$/u;

/** The letters and marks that show nothing (Hangul fillers, variation selectors, the grapheme joiner): "admin" and one of them would pass for "admin". */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/** Every script of Unicode 17, by the long name \p{Script_Extensions=…} takes. */
const SCRIPT_NAMES = `
  Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Beria_Erfe
  Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham
  Cherokee Chorasmian Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan
  Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Garay Georgian Glagolitic Gothic Grantha Greek Gujarati
  Gunjala_Gondi Gurmukhi Gurung_Khema Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic
  Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi
  Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian
  Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui
  Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari
  New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian Old_Italic
  Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya
  Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada
  Shavian Siddham Sidetic SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Sunuwar Syloti_Nagri Syriac
  Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Tai_Yo Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh
  Tirhuta Todhri Tolong_Siki Toto Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square
`.trim().split(/\s+/);

/**
 * The scripts this runtime knows (one whose Unicode is older than a name above leaves it out: it has no such
 * characters either). Exported for the spec, which checks that no script is missing.
 */
export const SCRIPTS = SCRIPT_NAMES.flatMap((name) => {
  try {
    return [{ name: name.replace(/_/g, ' '), pattern: new RegExp(`\\p{Script_Extensions=${name}}`, 'u') }];
  } catch {
    return [];
  }
});

/** Characters of the Common and Inherited scripts that no script claims (0-9 _ . @ + -, some accents): they go with any. */
const ANY_SCRIPT = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;

/** Besides a single script, the mixes UTS #39 "Highly Restrictive" allows (Latin + Japanese, Chinese, Korean). */
const HIGHLY_RESTRICTIVE = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/**
 * The scripts a character is written in (its Script_Extensions: ー is both Hiragana and Katakana, ٣ Arabic, Thaana
 * and Yezidi), or undefined when it goes with any. A character of a script missing above is a script of its own.
 */
export function scriptsOf(char: string): string[] | undefined {
  if (ANY_SCRIPT.test(char)) return undefined;
  const scripts = SCRIPTS.filter((script) => script.pattern.test(char)).map((script) => script.name);
  return scripts.length > 0 ? scripts : [`the script of U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`];
}

/** The scripts a name mixes when UTS #39 would not call it Highly Restrictive; undefined when it is. */
function mixedScripts(name: string): string[] | undefined {
  const chars = [...new Set(name)].map(scriptsOf).filter((scripts): scripts is string[] => scripts !== undefined);
  const [first] = chars;
  // Single script: some script every character is written in (or no character of any particular script).
  if (first === undefined || first.some((script) => chars.every((scripts) => scripts.includes(script)))) return undefined;
  // Covered by an allowed set: every character written in one of its scripts.
  if (HIGHLY_RESTRICTIVE.some((allowed) => chars.every((scripts) => scripts.some((script) => allowed.has(script))))) return undefined;
  // To name the mix: each character's script, or, for one written in several, one of them already named if any is.
  const named = new Set(chars.filter((scripts) => scripts.length === 1).map(([script]) => script));
  for (const scripts of chars) if (!scripts.some((script) => named.has(script))) named.add(scripts[0]);
  return [...named];
}

const listed = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** The form a username is stored and shown in. */
export const normalizeUsername = (raw: string) => raw.normalize('NFKC');

/** What makes two usernames the same account: NFKC with full case folding (Straße = STRASSE, Zoë = ZOË). */
export const usernameKey = (raw: string) => raw.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');

/** East Asian wide letters, which take two columns where they are shown (李雷 is as long as "John"). */
const WIDE = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;

/** Why this (normalised) username cannot be had, or undefined when it can. */
export function usernameProblem(name: string): string | undefined {
  const chars = [...name];
  const columns = chars.reduce((sum, char) => sum + (WIDE.test(char) ? 2 : 1), 0);
  if (columns < USERNAME_MIN || chars.length > USERNAME_MAX) {
    return `username must be ${USERNAME_MIN} to ${USERNAME_MAX} characters long (East Asian characters count as two toward the minimum)`;
  }
  if (!ALLOWED.test(name) || INVISIBLE.test(name)) return 'username may contain only letters, digits and @ . + - _ (no spaces or invisible characters)';
  const mixed = mixedScripts(name);
  if (mixed) return `username mixes letters of different scripts (${listed(mixed)}), which could imitate another account`;
  return undefined;
}
