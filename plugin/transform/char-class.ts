/** Is the character code an ASCII digit? */
export const isDigitCode = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Character classes of ASCII characters, decided by a table built once from `isMember` (a character outside
 * ASCII is never in the class). Cheaper than a regular expression on the per-event path.
 */
function classTable(isMember: (char: string) => boolean): Uint8Array {
  return Uint8Array.from({ length: 128 }, (_, code) => (isMember(String.fromCharCode(code)) ? 1 : 0));
}

/** "Is every character of the text in this class?", making no new string. */
export function everyCharIn(isMember: (char: string) => boolean): (text: string) => boolean {
  const table = classTable(isMember);
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128 || table[code] === 0) return false;
    }
    return true;
  };
}

/**
 * The text with every run of characters outside the class replaced by `joiner`: what
 * `text.replace(/[^class]+/g, joiner)` gives, in one pass (the text itself when every character is in the
 * class). A test holds it to the regular expression.
 */
export function replaceRunsOutside(
  isMember: (char: string) => boolean,
  joiner: string,
): (text: string) => string {
  const table = classTable(isMember);
  /** From the first character outside the class on. */
  const replaceFrom = (text: string, first: number): string => {
    let out = text.slice(0, first) + joiner;
    let start = first + 1; // where the current run of members starts
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128 && table[code] === 1) continue;
      if (i > start) out += text.slice(start, i) + joiner;
      start = i + 1;
    }
    return out + text.slice(start);
  };
  // Most texts are all members: the first loop only looks, with nothing else live.
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128 || table[code] === 0) return replaceFrom(text, i);
    }
    return text;
  };
}

const allAscii = everyCharIn(() => true);

/** The text with accents taken off (é → e, by canonical decomposition); ASCII text is given back as it is. */
export function withoutAccents(text: string): string {
  return allAscii(text) ? text : text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
