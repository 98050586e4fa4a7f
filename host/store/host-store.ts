import { openDatabase, type Db } from './database.js';
import { loadSecretKey, SecretBox } from './secret-box.js';
import { IntegrationsRepo } from './integrations-repo.js';
import { ConnectionsRepo } from './connections-repo.js';
import { MatchQualityRepo } from './match-quality-repo.js';
import { DeliveriesRepo } from './deliveries-repo.js';
import { DeliveryLogRepo } from './delivery-log-repo.js';
import { RawEventsRepo } from './raw-events-repo.js';
import { WalScrub } from './wal-scrub.js';
import { checkKeyOpensSecrets, settleKeyFiles } from './key-files.js';
import { join } from 'node:path';

/** The host's database and the repositories delivery works with. */
export interface HostStore {
  db: Db;
  /** The key secrets are sealed with, and the box that seals them. */
  key: Buffer;
  box: SecretBox;
  integrations: IntegrationsRepo;
  connections: ConnectionsRepo;
  matchQuality: MatchQualityRepo;
  deliveries: DeliveriesRepo;
  deliveryLog: DeliveryLogRepo;
  rawEvents: RawEventsRepo;
  /** Clears the write-ahead log of what a purge or a delete removed. */
  walScrub: WalScrub;
  /** Stops the scrub's retries and closes the database. */
  close(): void;
}

/**
 * Opens the store as the host and every delivery worker process do: the data directory's database, secrets
 * sealed with `key` (default: the directory's key file, made once the directory exists, after finishing what
 * an interrupted `rotate-key` left). A key that does not open the stored secrets stops here, with a message.
 */
export function openHostStore(dataDir: string, key?: Buffer): HostStore {
  const db = openDatabase(dataDir);
  let sealing: Buffer;
  try {
    if (!key) settleKeyFiles(dataDir, db);
    sealing = key ?? loadSecretKey(dataDir, {}).key;
    checkKeyOpensSecrets(db, sealing, key ? 'SIGNAL_SECRET_KEY' : join(dataDir, 'secret.key'));
  } catch (error) {
    db.close();
    throw error;
  }
  const box = new SecretBox(sealing);
  const matchQuality = new MatchQualityRepo(db);
  const walScrub = new WalScrub(db);
  const scrub = () => void walScrub.scrub();
  return {
    db,
    key: sealing,
    box,
    integrations: new IntegrationsRepo(db, box, scrub),
    connections: new ConnectionsRepo(db, box, scrub),
    matchQuality,
    deliveries: new DeliveriesRepo(db, matchQuality),
    deliveryLog: new DeliveryLogRepo(db),
    rawEvents: new RawEventsRepo(db),
    walScrub,
    close() {
      walScrub.stop();
      db.close();
    },
  };
}
