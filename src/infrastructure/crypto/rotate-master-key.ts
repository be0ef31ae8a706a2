import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MasterKeyRotation, RotationProgress } from '../../application/ports/key-store';
import { loadConfig } from '../config/config';
import { masterKeyFromConfig } from './master-key';
import { MongoKeyStore } from './mongo-key-store';
import { SqliteKeyStore } from './sqlite-key-store';

/** Progress is printed every this many keys (and at the end). */
const PROGRESS_EVERY = 100;

/**
 * `npm run rotate-master-key`, with every instance of the service stopped: re-wraps every job seeker's data key
 * under a new master key. The new key is NEW_MASTER_KEY when set; on an embedded installation without
 * MASTER_KEY it is DATA_DIR/secrets/master.key.new, made on the first run and kept until the rotation is
 * complete, when it replaces master.key. Interrupted at any point, running it again resumes.
 */
export async function rotateMasterKey(env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<RotationProgress> {
  const config = loadConfig(env);
  const secrets = join(config.DATA_DIR, 'secrets');
  const currentFile = join(secrets, 'master.key');
  const newFile = join(secrets, 'master.key.new');
  const newValue = env.NEW_MASTER_KEY?.trim() || undefined;
  if (config.MASTER_KEY && !newValue) {
    throw new Error('MASTER_KEY is set: set NEW_MASTER_KEY to the new master key too (generate one with `openssl rand -base64 32`).');
  }
  const current = masterKeyFromConfig(config.MASTER_KEY, currentFile);
  const next = masterKeyFromConfig(newValue, newFile);
  if (current.equals(next)) throw new Error('The new master key is the current one: nothing to rotate.');
  const store: MasterKeyRotation & { close(): Promise<void> } = config.MONGODB_URL
    ? await MongoKeyStore.connect(config.MONGODB_URL, current, { verifyMasterKey: false })
    : SqliteKeyStore.open(join(config.DATA_DIR, 'keys.sqlite'), current, { verifyMasterKey: false });
  let result: RotationProgress;
  try {
    say(
      `rotate-master-key: re-wrapping the job seekers' data keys (${config.MONGODB_URL ? 'MongoDB' : `SQLite in ${config.DATA_DIR}`}) under the new master key`,
    );
    result = await store.rewrapAll(next, (p) => {
      if (p.done % PROGRESS_EVERY === 0 && p.done < p.total) say(`rotate-master-key: ${p.done}/${p.total} keys`);
    });
  } finally {
    await store.close();
  }
  say(`rotate-master-key: done — ${result.total} keys: ${result.rewrapped} re-wrapped now, ${result.alreadyNew} already by an earlier run`);
  if (!newValue && existsSync(newFile)) {
    renameSync(newFile, currentFile); // atomic: the service starts with the old key or the new one, never neither
    say(`rotate-master-key: ${currentFile} now holds the new master key; the old one is gone. Start the service.`);
  } else {
    say('rotate-master-key: now set MASTER_KEY to the value of NEW_MASTER_KEY on every instance, remove NEW_MASTER_KEY, and start them.');
  }
  return result;
}
