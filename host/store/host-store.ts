import { openDatabase, type Db } from './database.js';
import { loadSecretKey, SecretBox } from './secret-box.js';
import { IntegrationsRepo } from './integrations-repo.js';
import { MatchQualityRepo } from './match-quality-repo.js';
import { DeliveriesRepo } from './deliveries-repo.js';
import { DeliveryLogRepo } from './delivery-log-repo.js';

/** The host's database and the repositories delivery works with. */
export interface HostStore {
  db: Db;
  /** The key secrets are sealed with, and the box that seals them. */
  key: Buffer;
  box: SecretBox;
  integrations: IntegrationsRepo;
  matchQuality: MatchQualityRepo;
  deliveries: DeliveriesRepo;
  deliveryLog: DeliveryLogRepo;
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
  return {
    db,
    key: sealing,
    box,
    integrations: new IntegrationsRepo(db, box),
    matchQuality,
    deliveries: new DeliveriesRepo(db, matchQuality),
    deliveryLog: new DeliveryLogRepo(db),
  };
}
