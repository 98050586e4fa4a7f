/**
 * "Is every character of the text in this class?", for a class of ASCII characters, decided by a table built
 * once from `isMember` (a character outside ASCII is never in it). Cheaper than a regular expression on the
 * per-event path, and it makes no new string.
 */
export function everyCharIn(isMember: (char: string) => boolean): (text: string) => boolean {
  const table = Uint8Array.from({ length: 128 }, (_, code) => (isMember(String.fromCharCode(code)) ? 1 : 0));
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128 || table[code] === 0) return false;
    }
    return true;
  };
}
