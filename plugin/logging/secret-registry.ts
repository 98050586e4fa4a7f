/**
 * Secret values known at run time (access tokens, refresh tokens, client secrets). The logger replaces
 * each of them wherever it appears, whatever the key or message it hides in.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  add(...secrets: Array<string | undefined>): void {
    for (const s of secrets) if (s && s.length >= 6) this.values.add(s);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.values) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
}

export const REDACTED = '[REDACTED]';
