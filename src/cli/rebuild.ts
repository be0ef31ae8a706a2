import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { rebuild } from '../application/consumers/rebuild';
import type { Projector } from '../application/consumers/consumer';
import { loadConfig } from '../infrastructure/config/config';
import { openReadStore } from '../infrastructure/read-store/open-read-store';
import { projectorClasses } from '../projections/projectors';
import { openEncryptedStore } from './stores';

/**
 * `npm run rebuild -- <read model>|--all`: replays the event store into a fresh copy of each read model
 * while the service keeps answering from the old one, then switches over (see application/consumers/rebuild.ts).
 * Same configuration as the service (DATA_DIR, EVENTSTORE_URL, MONGODB_URL, READ_STORE, MASTER_KEY).
 */
async function main(): Promise<void> {
  const projectors: Projector[] = projectorClasses.map((P) => new P());
  const names = projectors.map((p) => p.name);
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  if (wanted.length === 0 || wanted.some((w) => w !== '--all' && !names.includes(w))) {
    console.error(`usage: npm run rebuild -- <read model>|--all\n  read models: ${names.join(', ')}`);
    process.exit(2);
  }
  const chosen = wanted.includes('--all') ? projectors : projectors.filter((p) => wanted.includes(p.name));

  const config = loadConfig();
  const stores = await openEncryptedStore(config);
  const { eventStore } = stores;
  const readStore = await openReadStore(config);
  try {
    // One read of the log for every chosen read model, of the event types they handle only.
    const bar = new SingleBar({
      format: `${'log read'.padEnd(24)} {bar} {percentage}% | position {value}/{total} | {speed} events/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
    });
    const started = performance.now();
    bar.start(1, 0, { speed: 0 });
    const rebuilt = await rebuild(eventStore, readStore, chosen, {
      onProgress: ({ applied, position, total }) => {
        const events = Object.values(applied).reduce((sum, n) => sum + n, 0);
        bar.setTotal(Math.max(total, position, 1));
        bar.update(position, { speed: Math.round(events / ((performance.now() - started) / 1000)) });
      },
    });
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    for (const result of rebuilt) {
      console.log(`${result.projector}: ${result.events} events of its types; generation ${result.generation} is now active`);
    }
    console.log(`${chosen.length} read model(s) rebuilt in ${seconds.toFixed(1)} s`);
  } finally {
    await readStore.close();
    await stores.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
