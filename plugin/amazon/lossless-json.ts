/**
 * JSON.parse that keeps integers too large for a double as their exact digits. Amazon profile ids are JSON
 * numbers of up to 20 digits; a plain `JSON.parse` would round them. Integers of 16 or more digits become
 * strings; callers compare ids as strings anyway.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteLongIntegers(text) : text);
}

/** Wraps every bare JSON integer of 16+ digits (outside strings) in quotes. */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (isDigit(c) || (c === '-' && isDigit(text[i + 1]))) {
      let j = i + 1;
      while (isDigit(text[j])) j++;
      const number = text.slice(i, j);
      const isInteger = !/[.eE]/.test(text[j] ?? '');
      out += isInteger && number.replace('-', '').length >= 16 ? `"${number}"` : number;
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
