import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './database.js';
import { FILE_OPS, type KeyFileOps } from './synced-files.js';
import { isSealed, KEY_FILE, keyOpens, NEXT_KEY_FILE, parseKey } from './secret-box.js';

/** One stored secret still sealed (a live integration's, a revision's or a connection's), if there is any. */
export function aSealedSecret(db: Db): string | undefined {
  const texts = db
    .prepare(
      `SELECT installation AS text FROM integrations WHERE deleted_at IS NULL AND installation LIKE '%enc:v1:%'
       UNION ALL SELECT config FROM revisions WHERE config LIKE '%enc:v1:%'
       UNION ALL SELECT refresh_token FROM connections WHERE refresh_token LIKE 'enc:v1:%'
       LIMIT 1`,
    )
    .all() as Array<{ text: string }>;
  for (const { text } of texts) {
    if (isSealed(text)) return text;
    const found = /"(enc:v1:[\w-]+)"/.exec(text);
    if (found) return found[1];
  }
  return undefined;
}

/**
 * Finishes what an interrupted `rotate-key` left: a `secret.key.next` whose key opens the stored secrets means
 * the re-sealing committed, so it becomes `secret.key`; any other (the re-sealing never committed, or the file
 * is incomplete) is removed. Either way every secret opens with `secret.key` after.
 */
export function settleKeyFiles(dataDir: string, db: Db, ops: KeyFileOps = FILE_OPS): void {
  const next = join(dataDir, NEXT_KEY_FILE);
  if (!existsSync(next)) return;
  const sealed = aSealedSecret(db);
  let key: Buffer | undefined;
  try {
    key = parseKey(readFileSync(next, 'utf8').trim(), next);
  } catch {
    key = undefined;
  }
  if (key && sealed && keyOpens(key, sealed)) ops.renameSynced(next, join(dataDir, KEY_FILE));
  else rmSync(next, { force: true });
}

/** Throws a one-line error when the stored secrets were sealed under another key than `key`. */
export function checkKeyOpensSecrets(db: Db, key: Buffer, where: string): void {
  const sealed = aSealedSecret(db);
  if (sealed && !keyOpens(key, sealed))
    throw new Error(
      `${where} does not open the stored secrets: use the key they were sealed with (after rotate-key, the new one)`,
    );
}
