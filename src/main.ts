import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './application/ports/clock';
import { StaffAccess } from './application/staff/staff.commands';
import { JwtAuthenticator } from './infrastructure/auth/jwt-authenticator';
import { SystemClock } from './infrastructure/clock/system-clock';
import { Config, loadConfig } from './infrastructure/config/config';
import { HmacPseudonymizer } from './infrastructure/crypto/hmac-pseudonymizer';
import { masterKeyFromConfig } from './infrastructure/crypto/master-key';
import { encryptPersonalData } from './infrastructure/crypto/personal-data-encryption';
import { MongoKeyStore } from './infrastructure/crypto/mongo-key-store';
import { SqliteKeyStore } from './infrastructure/crypto/sqlite-key-store';
import { runDemo } from './infrastructure/demo/demo';
import { EventStoreDbEventStore } from './infrastructure/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './infrastructure/event-store/sqlite/sqlite-event-store';
import { openReadStore } from './infrastructure/read-store/open-read-store';
import { createHttpApp } from './infrastructure/http/http-app';
import { OutboxMailer } from './infrastructure/mail/outbox/outbox-mailer';
import { SmtpMailer } from './infrastructure/mail/smtp/smtp-mailer';
import { BullMqScheduler } from './infrastructure/scheduler/bullmq/bullmq-scheduler';
import { InProcessScheduler } from './infrastructure/scheduler/in-process/in-process-scheduler';

function authenticator(config: Config, clock: Clock) {
  if (!config.AUTH_JWKS_URL && !config.AUTH_JWT_SECRET) return undefined; // the embedded staff tokens
  return new JwtAuthenticator({
    jwksUrl: config.AUTH_JWKS_URL,
    secret: config.AUTH_JWT_SECRET,
    issuer: config.AUTH_ISSUER!,
    audience: config.AUTH_AUDIENCE,
    rolesClaim: config.AUTH_ROLES_CLAIM,
  }, clock);
}

/** Issue 17: BullMQ on REDIS_URL or in-process timers; SMTP_URL or the outbox under DATA_DIR. */
function sideEffects(config: Config, clock: SystemClock) {
  return {
    scheduler: config.REDIS_URL ? new BullMqScheduler(clock, { url: config.REDIS_URL }) : new InProcessScheduler(clock),
    mailer: config.SMTP_URL ? new SmtpMailer(config.SMTP_URL) : new OutboxMailer(join(config.DATA_DIR, 'outbox.sqlite'), clock),
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secrets = join(config.DATA_DIR, 'secrets');
  const inner = config.EVENTSTORE_URL
    ? EventStoreDbEventStore.connect(config.EVENTSTORE_URL)
    : SqliteEventStore.open(join(config.DATA_DIR, 'events.sqlite'));
  const masterKey = masterKeyFromConfig(config.MASTER_KEY, join(secrets, 'master.key'));
  const keyStore = config.MONGODB_URL ? await MongoKeyStore.connect(config.MONGODB_URL, masterKey) : SqliteKeyStore.open(join(config.DATA_DIR, 'keys.sqlite'), masterKey);
  const pseudonymizer = HmacPseudonymizer.fromConfig(config.PSEUDONYM_KEY, join(secrets, 'pseudonym.key'));
  const clock = new SystemClock();
  const readStore = await openReadStore(config);
  const app = await createHttpApp(
    { ...encryptPersonalData(inner, keyStore), clock, pseudonymizer, authenticator: authenticator(config, clock), readStore, sideEffects: sideEffects(config, clock) },
    { rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE },
  );
  const staff = app.get(StaffAccess);
  if (process.argv.includes('--new-admin-token')) {
    // An operator on the server who lost the administrator's token.
    console.log(`New administrator token (shown once): ${await staff.tokenFor('admin', 'Administrator', ['admin'], 30, 'system:operator')}`);
    await app.close();
    return;
  }
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${config.PORT}`;
  console.log(`Madoguchi is listening on ${url}  (API docs: ${url}/docs, event store: ${config.EVENTSTORE_URL ? 'EventStoreDB' : `SQLite in ${config.DATA_DIR}`}, keys: ${config.MONGODB_URL ? 'MongoDB' : 'SQLite'})`);
  if (!config.AUTH_JWKS_URL && !config.AUTH_JWT_SECRET) {
    const adminToken = await staff.firstStart();
    if (adminToken) console.log(`First start: the administrator's token, shown this once (keep it safe; a new one: npm start -- --new-admin-token):\n  ${adminToken}`);
  }
  if (process.argv.includes('--demo')) {
    // Issue 10: demo data through the public command path; re-running it appends nothing but the demo's sign-in.
    await runDemo(app, clock.now(), (line) => console.log(line));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
