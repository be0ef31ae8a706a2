import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbEventStore } from './infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './infrastructure/event-store/sqlite/sqlite-event-store';
import { loadConfig } from './infrastructure/config/config';
import { HmacPseudonymizer } from './infrastructure/crypto/hmac-pseudonymizer';
import { SystemClock } from './infrastructure/clock/system-clock';
import { createHttpApp } from './infrastructure/http/http-app';
import { runDemo } from './infrastructure/demo/demo';

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const eventStore = config.EVENTSTORE_URL
    ? EventStoreDbEventStore.connect(config.EVENTSTORE_URL)
    : SqliteEventStore.open(join(config.DATA_DIR, 'events.sqlite'));
  const pseudonymizer = HmacPseudonymizer.fromConfig(config.PSEUDONYM_KEY, join(config.DATA_DIR, 'secrets', 'pseudonym.key'));
  const clock = new SystemClock();
  const app = await createHttpApp({ eventStore, clock, pseudonymizer });
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${config.PORT}`;
  console.log(`Madoguchi is listening on ${url}  (API docs: ${url}/docs, event store: ${config.EVENTSTORE_URL ? 'EventStoreDB' : `SQLite in ${config.DATA_DIR}`})`);
  if (process.argv.includes('--demo')) {
    // Issue 10: demo data through the public command path; re-running it appends nothing.
    await runDemo(app, clock.now(), (line) => console.log(line));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
