import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Clock } from '../../application/ports/clock';
import { StaffAccess } from '../../application/staff/staff.commands';
import { JwtAuthenticator } from '../auth/jwt-authenticator';
import { SystemClock } from '../clock/system-clock';
import { Config, loadConfig } from '../config/config';
import { HmacPseudonymizer } from '../crypto/hmac-pseudonymizer';
import { assertPseudonymKeyMatches } from '../crypto/pseudonym-key-check';
import { masterKeyFromConfig } from '../crypto/master-key';
import { encryptPersonalData } from '../crypto/personal-data-encryption';
import { SqliteKeyStore } from '../crypto/sqlite-key-store';
import { runDemo } from '../demo/demo';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../http/http-app';
import { openReadStore } from '../read-store/open-read-store';
import { OutboxMailer } from '../mail/outbox/outbox-mailer';
import { InProcessScheduler } from '../scheduler/in-process/in-process-scheduler';
import { describeToken } from './token-lines';

/** Where the lines meant for the operator go (stdout): plain text, never JSON, never personal data. */
export type Say = (line: string) => void;

/** How to get a new administrator token, as the operator types it. */
export const NEW_ADMIN_TOKEN_COMMAND = 'npm start -- --new-admin-token';

function authenticator(config: Config, clock: Clock) {
  if (!config.AUTH_JWKS_URL && !config.AUTH_JWT_SECRET) return undefined; // the embedded staff tokens
  return new JwtAuthenticator(
    {
      jwksUrl: config.AUTH_JWKS_URL,
      secret: config.AUTH_JWT_SECRET,
      issuer: config.AUTH_ISSUER!,
      audience: config.AUTH_AUDIENCE,
      rolesClaim: config.AUTH_ROLES_CLAIM,
    },
    clock,
  );
}

/**
 * Issue 17: BullMQ on REDIS_URL or in-process timers; SMTP_URL or the outbox under DATA_DIR. The production clients
 * (BullMQ, EventStoreDB, MongoDB) are loaded only when configured: the embedded default does not pay for them
 * (about 55 MB of memory, issue 18).
 */
async function sideEffects(config: Config, clock: Clock) {
  const scheduler = config.REDIS_URL
    ? new (await import('../scheduler/bullmq/bullmq-scheduler')).BullMqScheduler(clock, { url: config.REDIS_URL, prefix: config.REDIS_PREFIX })
    : new InProcessScheduler(clock);
  const mailer = config.SMTP_URL
    ? new (await import('../mail/smtp/smtp-mailer')).SmtpMailer(config.SMTP_URL)
    : new OutboxMailer(join(config.DATA_DIR, 'outbox.sqlite'), clock);
  return { scheduler, mailer };
}

/** The service on the configured adapters, initialised (command handlers registered, projections running), not listening. */
export async function openService(config: Config, clock: Clock): Promise<NestFastifyApplication> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secrets = join(config.DATA_DIR, 'secrets');
  const inner = config.EVENTSTORE_URL
    ? (await import('../event-store/eventstoredb/eventstoredb-event-store')).EventStoreDbEventStore.connect(config.EVENTSTORE_URL)
    : SqliteEventStore.open(join(config.DATA_DIR, 'events.sqlite'));
  const masterKey = masterKeyFromConfig(config.MASTER_KEY, join(secrets, 'master.key'));
  const keyStore = config.MONGODB_URL
    ? await (await import('../crypto/mongo-key-store')).MongoKeyStore.connect(config.MONGODB_URL, masterKey)
    : SqliteKeyStore.open(join(config.DATA_DIR, 'keys.sqlite'), masterKey);
  const pseudonymKeyFile = join(secrets, 'pseudonym.key');
  const pseudonymizer = HmacPseudonymizer.fromConfig(config.PSEUDONYM_KEY, pseudonymKeyFile);
  const encrypted = encryptPersonalData(inner, keyStore);
  try {
    await assertPseudonymKeyMatches(encrypted.eventStore, pseudonymizer, config.PSEUDONYM_KEY ? 'PSEUDONYM_KEY' : `the key file ${pseudonymKeyFile}`);
  } catch (error) {
    await encrypted.eventStore.close();
    await keyStore.close();
    throw error;
  }
  const readStore = await openReadStore(config);
  const app = await createHttpApp(
    { ...encrypted, clock, pseudonymizer, authenticator: authenticator(config, clock), readStore, sideEffects: await sideEffects(config, clock) },
    { rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, logs: { level: config.LOG_LEVEL } },
  );
  // The command bus knows its handlers only once the application is initialised (listen() would do it too late
  // for the operator's commands, which never listen).
  await app.init();
  return app;
}

const ADMIN_RENEWAL = `Before then, or if it is lost: ${NEW_ADMIN_TOKEN_COMMAND} on this server (same configuration) prints a new one.`;

/**
 * What `npm start` does: with `--new-admin-token`, prints a new administrator token and ends; otherwise
 * listens, prints the URL (and on the first start the administrator's token), and with `--demo` fills the
 * demo data. Resolves once listening (or done).
 */
export async function start(argv: readonly string[], env: NodeJS.ProcessEnv, say: Say): Promise<NestFastifyApplication | undefined> {
  const config = loadConfig(env);
  const embeddedTokens = !config.AUTH_JWKS_URL && !config.AUTH_JWT_SECRET;
  const clock = new SystemClock();
  const app = await openService(config, clock);
  const staff = app.get(StaffAccess);
  if (argv.includes('--new-admin-token')) {
    try {
      if (!embeddedTokens)
        throw new Error(
          'Sign-in is by your identity provider (AUTH_JWKS_URL or AUTH_JWT_SECRET is set): give the admin role there; Madoguchi issues no tokens.',
        );
      const issued = await staff.newAdminToken();
      say('A new administrator token (shown this once; keep it safe):');
      for (const line of describeToken(issued, ADMIN_RENEWAL)) say(line);
    } finally {
      await app.close();
    }
    return undefined;
  }
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${(app.getHttpServer().address() as { port: number }).port}`;
  say(`Madoguchi is listening on ${url} (API docs: ${url}/docs)`);
  say(
    `  event store: ${config.EVENTSTORE_URL ? 'EventStoreDB' : `SQLite in ${config.DATA_DIR}`}; keys: ${config.MONGODB_URL ? 'MongoDB' : 'SQLite'}; ` +
      `sign-in: ${embeddedTokens ? 'staff tokens issued by Madoguchi' : 'JWTs of your identity provider'}; logs: JSON lines on stderr (LOG_LEVEL=${config.LOG_LEVEL})`,
  );
  if (embeddedTokens) {
    const first = await staff.firstStart();
    if (first) {
      say("First start: the administrator's token, shown this once (keep it safe):");
      for (const line of describeToken(first, ADMIN_RENEWAL)) say(line);
    }
  }
  if (argv.includes('--demo')) {
    // Issue 10: demo data through the public command path; re-running it appends nothing but the demo's sign-in.
    await runDemo(app, clock.now(), say);
  }
  return app;
}
