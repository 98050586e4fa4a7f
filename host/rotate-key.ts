import { randomBytes } from 'node:crypto';
import { openDatabase } from './store/database.js';
import { ConnectionsRepo } from './store/connections-repo.js';
import { IntegrationsRepo } from './store/integrations-repo.js';
import { loadSecretKey, SecretBox, writeKeyFile } from './store/secret-box.js';

/**
 * `npm run host -- rotate-key`: seals every stored secret under a new key (`SIGNAL_NEW_SECRET_KEY`, else a new
 * random one) in one transaction. A key kept in the data directory's `secret.key` is replaced there; a key
 * given as `SIGNAL_SECRET_KEY` stays the operator's to replace, so the new one is printed for them. Run it
 * with the host stopped.
 */
export function rotateKey(dataDir: string, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): void {
  const current = loadSecretKey(dataDir, env);
  const given = env.SIGNAL_NEW_SECRET_KEY?.trim();
  const next = given ? loadSecretKey(dataDir, { SIGNAL_SECRET_KEY: given }).key : randomBytes(32);
  const db = openDatabase(dataDir);
  try {
    const [box, nextBox] = [new SecretBox(current.key), new SecretBox(next)];
    const sealed = db.transaction(
      () => new IntegrationsRepo(db, box).reseal(nextBox) + new ConnectionsRepo(db, box).reseal(nextBox),
    )();
    if (current.source === 'file') writeKeyFile(dataDir, next);
    out.write(`Sealed ${sealed} secrets under the new key.\n`);
    if (current.source === 'env' && !given)
      out.write(`Set SIGNAL_SECRET_KEY=${next.toString('base64')} before the next start.\n`);
  } finally {
    db.close();
  }
}
