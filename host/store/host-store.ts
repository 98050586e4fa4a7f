import { openDatabase, type Db } from './database.js';
import { loadSecretKey, SecretBox } from './secret-box.js';
import { IntegrationsRepo } from './integrations-repo.js';
import { ConnectionsRepo } from './connections-repo.js';
import { MatchQualityRepo } from './match-quality-repo.js';
import { DeliveriesRepo } from './deliveries-repo.js';
import { DeliveryLogRepo } from './delivery-log-repo.js';
import { RawEventsRepo } from './raw-events-repo.js';
import { WalScrub } from './wal-scrub.js';

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
 * sealed with `key` (default: the directory's key file, made once the directory exists).
 */
export function openHostStore(dataDir: string, key?: Buffer): HostStore {
  const db = openDatabase(dataDir);
  const sealing = key ?? loadSecretKey(dataDir, {}).key;
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
