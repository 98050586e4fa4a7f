import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase } from './store/database.js';
import { ConnectionsRepo } from './store/connections-repo.js';
import { IntegrationsRepo } from './store/integrations-repo.js';
import { DataDirBusyError, DataDirLock } from './store/data-dir-lock.js';
import { checkKeyOpensSecrets, settleKeyFiles } from './store/key-files.js';
import { FILE_OPS, type KeyFileOps } from './store/synced-files.js';
import {
  KEY_FILE,
  keyFileText,
  loadSecretKey,
  NEXT_KEY_FILE,
  parseKey,
  SecretBox,
} from './store/secret-box.js';
import { WalScrub } from './store/wal-scrub.js';

/** Where a test puts a failure: the file operations, and a step inside the re-sealing before it commits. */
export interface RotateKeyDeps {
  files: KeyFileOps;
  beforeCommit(): void;
}

const DEFAULT_DEPS: RotateKeyDeps = { files: FILE_OPS, beforeCommit: () => {} };

/**
 * `npm run host -- rotate-key`: seals every stored secret under a new key (`SIGNAL_NEW_SECRET_KEY`, else a new
 * random one), with the host stopped (it refuses while a host holds the data directory). A key kept in
 * `secret.key`: the new one is written to `secret.key.next` and synced, every secret is re-sealed in one
 * transaction, then the file is renamed over `secret.key`. A failure before the commit leaves the old key and
 * its secrets; one after it leaves `secret.key.next`, which the next start (or run) renames, since it is the key
 * that opens the secrets. A key given as `SIGNAL_SECRET_KEY` is the operator's: the new one must be given as
 * `SIGNAL_NEW_SECRET_KEY`, to set in place of the old once this has run.
 */
export function rotateKey(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  deps: RotateKeyDeps = DEFAULT_DEPS,
): void {
  const fromEnv = Boolean(env.SIGNAL_SECRET_KEY?.trim());
  const given = env.SIGNAL_NEW_SECRET_KEY?.trim();
  if (fromEnv && !given)
    throw new Error(
      'SIGNAL_SECRET_KEY is set: give the new key as SIGNAL_NEW_SECRET_KEY (32 bytes, base64: openssl rand -base64 32)',
    );
  const next = given ? parseKey(given, 'SIGNAL_NEW_SECRET_KEY') : randomBytes(32);
  const lock = DataDirLock.take(dataDir, 'rotate-key');
  const db = openDatabase(dataDir);
  const walScrub = new WalScrub(db);
  try {
    if (!fromEnv) settleKeyFiles(dataDir, db, deps.files);
    const current = loadSecretKey(dataDir, env).key;
    checkKeyOpensSecrets(db, current, fromEnv ? 'SIGNAL_SECRET_KEY' : join(dataDir, KEY_FILE));
    const nextFile = join(dataDir, NEXT_KEY_FILE);
    const [box, nextBox] = [new SecretBox(current), new SecretBox(next)];
    const sealed = step(
      'before anything was sealed under the new key: every secret opens with the old',
      () => {
        if (!fromEnv) deps.files.writeSynced(nextFile, keyFileText(next));
        return db.transaction(() => {
          const n =
            new IntegrationsRepo(db, box).reseal(nextBox) + new ConnectionsRepo(db, box).reseal(nextBox);
          deps.beforeCommit();
          return n;
        })();
      },
    );
    if (!fromEnv)
      step(
        `after the secrets were sealed under the new key, which is in ${NEXT_KEY_FILE}: the next start or rotate-key renames it to ${KEY_FILE}`,
        () => deps.files.renameSynced(nextFile, join(dataDir, KEY_FILE)),
      );
    // The values sealed under the old key leave the write-ahead log too.
    walScrub.scrub();
    out.write(`Sealed ${sealed} secrets under the new key.\n`);
    if (fromEnv)
      out.write('Set SIGNAL_SECRET_KEY to the value of SIGNAL_NEW_SECRET_KEY before the next start.\n');
  } finally {
    walScrub.stop();
    db.close();
    lock.release();
  }
}

/** `rotate-key` as a command: its one line on `err` and exit code 1 when it cannot run or fails; else 0. */
export function rotateKeyCommand(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  try {
    rotateKey(dataDir, env, out);
    return 0;
  } catch (error) {
    err.write(`rotate-key: ${failure(error)}\n`);
    return 1;
  }
}

/** A step of the rotation: its failure says where it stopped and which key opens the secrets now. */
class RotationStepError extends Error {}

function step<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new RotationStepError(`${firstLine(error)}; stopped ${where}`);
  }
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

function failure(error: unknown): string {
  if (error instanceof DataDirBusyError)
    return `${error.holder} is running on ${error.dataDir}: stop it (Ctrl-C, or kill its pid), then run rotate-key again`;
  return firstLine(error);
}
