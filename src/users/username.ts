/**
 * Usernames as the original service allowed them (Django's `^[\w.@+-]+\Z`,
 * Unicode letters included: José, Zoë, 李雷), kept NFKC-normalised and unique
 * whatever their case, with what could pass for someone else refused: no
 * invisible or format characters (the allowlist below has none), and no mix of
 * scripts that could imitate another account (Latin "admin" and Cyrillic-а
 * "аdmin" look alike; a name of one script does not mix, nor do Han with
 * Hiragana and Katakana, or Han with Hangul or Bopomofo, as people write them).
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 150;

/** Letters and digits of any script, the marks that follow letters, and . @ + - _ (with the u flag, per code point). */
const ALLOWED = /^[\p{L}\p{Nd}._@+-][\p{L}\p{M}\p{Nd}._@+-]*$/u;

const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar',
  'Khmer', 'Mongolian', 'Ethiopic', 'Cherokee', 'Hangul', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
].map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, 'u') }));

/** Sets of scripts that are written together, and so do not count as a mix. */
const WRITTEN_TOGETHER = [
  new Set(['Han', 'Hiragana', 'Katakana']),
  new Set(['Han', 'Hangul']),
  new Set(['Han', 'Bopomofo']),
];

function scriptsOf(name: string): Set<string> {
  const scripts = new Set<string>();
  for (const char of name) {
    if (!/\p{L}/u.test(char)) continue;
    scripts.add(SCRIPTS.find((script) => script.pattern.test(char))?.name ?? `other:${char}`);
  }
  return scripts;
}

function mixesScripts(name: string): boolean {
  const scripts = scriptsOf(name);
  if (scripts.size <= 1) return false;
  return !WRITTEN_TOGETHER.some((together) => [...scripts].every((script) => together.has(script)));
}

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
  if (!ALLOWED.test(name)) return 'username may contain only letters, digits and @ . + - _ (no spaces or invisible characters)';
  if (mixesScripts(name)) return 'username mixes letters of different scripts, which could imitate another account';
  return undefined;
}
