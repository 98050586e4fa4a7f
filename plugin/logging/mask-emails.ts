/**
 * E-mail addresses in free text replaced by `[EMAIL]`, in one forward pass (no regular expression, so no
 * backtracking whatever the text): around each `@`, the run of local-part characters before it and the run of
 * domain characters after it, when the domain has a dot followed by two letters or more.
 */
export function maskEmails(text: string, replacement = '[EMAIL]'): string {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let copiedTo = 0;
  while (at !== -1) {
    let start = at;
    while (start > copiedTo && isLocalChar(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    if (start < at && hasTopLevelDomain(text, at + 1, end)) {
      out += text.slice(copiedTo, start) + replacement;
      copiedTo = end;
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** `A-Z a-z 0-9 . - `: what a domain is made of. */
const isDomainChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 0x2e || c === 0x2d;
/** A domain character, `_`, `%` or `+`: what a local part is made of. */
const isLocalChar = (c: number): boolean => isDomainChar(c) || c === 0x5f || c === 0x25 || c === 0x2b;

/** Whether text[from, to) has a `.`, after its first character, followed by two letters. */
function hasTopLevelDomain(text: string, from: number, to: number): boolean {
  for (let dot = from + 1; dot + 2 < to; dot++) {
    if (
      text.charCodeAt(dot) === 0x2e &&
      isLetter(text.charCodeAt(dot + 1)) &&
      isLetter(text.charCodeAt(dot + 2))
    )
      return true;
  }
  return false;
}
