import 'reflect-metadata';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../infrastructure/config/config';
import { describeBreak, verifyChain } from '../infrastructure/event-store/chain/chain-verifier';
import { EventStoreDbEventStore } from '../infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store';

/**
 * `npm run verify`: walks the hash chain of the whole event store (issue 19), oldest event first, with a
 * progress bar, and names the first broken link. Exit code 0: intact; 1: broken (or the store cannot be read).
 * Same configuration as the service (DATA_DIR or EVENTSTORE_URL); needs no key: it checks the stored bytes.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const store = config.EVENTSTORE_URL
    ? EventStoreDbEventStore.connect(config.EVENTSTORE_URL)
    : SqliteEventStore.open(join(config.DATA_DIR, 'events.sqlite'));
  const bar = new SingleBar({
    format: 'hash chain {bar} {percentage}% | {checked} events | position {position} of {head} | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  const head = await store.headPosition();
  bar.start(Number(head < 0n ? 1n : head), 0, { checked: 0, position: 0, head: String(head) });
  try {
    const report = await verifyChain(store, ({ checked, position }) => bar.update(Number(position), { checked, position: String(position) }));
    bar.update(Number(head < 0n ? 1n : head));
    bar.stop();
    console.log(`${report.checked} events in ${report.streams} streams checked; ${report.unlinked} written before the chain (not covered).`);
    if (report.broken) {
      console.log(describeBreak(report.broken));
      process.exitCode = 1;
    } else {
      console.log('The hash chain is intact.');
      if (report.head)
        console.log(`Newest link (keep it outside as an anchor): position ${report.head.position}, ${report.head.streamId}, ${report.head.hash}`);
    }
  } finally {
    bar.stop();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
