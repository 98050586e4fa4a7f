import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEYS } from '../../plugin/index.js';
import { FILE_OPS } from './synced-files.js';

const PREFIX = 'enc:v1:';
export const KEY_FILE = 'secret.key';
/** A new key `rotate-key` writes (and syncs) before it seals anything under it; renamed to `KEY_FILE` after. */
export const NEXT_KEY_FILE = 'secret.key.next';

/**
 * Secrets at rest: AES-256-GCM (node:crypto) under one key, each value with its own random 12-byte nonce and
 * its authentication tag, written `enc:v1:<base64url of nonce | tag | ciphertext>`. A value that is not sealed
 * (stored before encryption existed) opens as itself.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be 32 bytes (AES-256).');
  }

  seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  open(value: string): string {
    if (!isSealed(value)) return value;
    const bytes = Buffer.from(value.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }
}

export const isSealed = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(PREFIX);

/** A copy of a config with every secret (the schema's writeOnly keys) passed through `change`. */
export function mapSecrets<T extends object>(config: T, change: (value: string) => string): T {
  const out = { ...config } as Record<string, unknown>;
  for (const key of SECRET_KEYS) if (typeof out[key] === 'string') out[key] = change(out[key] as string);
  return out as T;
}

/** A config without its secrets, for what is kept of a deleted integration. */
export function withoutSecrets<T extends object>(config: T): T {
  const out = { ...config } as Record<string, unknown>;
  for (const key of SECRET_KEYS) delete out[key];
  return out as T;
}

/**
 * The key: `SIGNAL_SECRET_KEY` (32 bytes as base64 or 64 hex digits), else the data directory's `secret.key`,
 * made on first start (0600). Losing it makes the stored secrets unreadable: back it up with the database.
 */
export function loadSecretKey(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): { key: Buffer; source: 'env' | 'file' } {
  const given = env.SIGNAL_SECRET_KEY?.trim();
  if (given) return { key: parseKey(given, 'SIGNAL_SECRET_KEY'), source: 'env' };
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) writeKeyFile(dataDir, randomBytes(32));
  return { key: parseKey(readFileSync(file, 'utf8').trim(), file), source: 'file' };
}

/** A first key, on disk (synced, file and directory) before any secret is sealed under it. */
function writeKeyFile(dataDir: string, key: Buffer): void {
  const file = join(dataDir, KEY_FILE);
  const temp = `${file}.new`;
  FILE_OPS.writeSynced(temp, keyFileText(key));
  chmodSync(temp, 0o600);
  FILE_OPS.renameSynced(temp, file);
}

/** What a key file holds: the key as base64 and a newline. */
export const keyFileText = (key: Buffer): string => `${key.toString('base64')}\n`;

/** True when `key` opens `sealed` (an `enc:v1:` value): the key the value was sealed with. */
export function keyOpens(key: Buffer, sealed: string): boolean {
  try {
    new SecretBox(key).open(sealed);
    return true;
  } catch {
    return false;
  }
}

export function parseKey(text: string, where: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold a 32-byte key, as base64 or 64 hex digits.`);
  return key;
}
