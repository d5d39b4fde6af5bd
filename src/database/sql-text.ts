/** Escapes LIKE wildcards so a search for "50%" matches the text "50%", not everything starting with 50. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
