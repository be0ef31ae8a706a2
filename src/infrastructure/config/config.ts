import type { MongoClient } from 'mongodb';
import { z } from 'zod';

/**
 * One typed configuration, read from the environment and validated at start. Nothing set =
 * the embedded default: SQLite under DATA_DIR, HTTP on PORT.
 */
const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    DATA_DIR: z.string().default('./data'),
    /** Switches the event store to EventStoreDB: esdb://localhost:2113?tls=false, or a cluster (see eventStoreUrlProblem). */
    EVENTSTORE_URL: z
      .string()
      .superRefine((url, context) => {
        const problem = eventStoreUrlProblem(url);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** Key of the keyed hash for job-seeker numbers and device ids (hex, ≥ 32 bytes). Required with a shared store. */
    PSEUDONYM_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64,}$/, 'must be at least 32 bytes of hex')
      .optional(),
    /** Keeps the per-job-seeker data keys in MongoDB, shared by every instance (required with EVENTSTORE_URL). */
    MONGODB_URL: z
      .string()
      .superRefine((url, context) => {
        const problem = mongoDbUrlProblem(url);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** Wraps the per-job-seeker data keys (32 bytes, base64 or hex). Unset: a key file under DATA_DIR/secrets, created on first start. */
    MASTER_KEY: z.string().min(32).optional(),
    /** Switches the scheduler (no-show deadlines, mail retries) to BullMQ on this Redis, e.g. redis://localhost:6379. Unset: in-process timers. */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** The prefix of every Redis key of the scheduler (several deployments on one Redis each take their own). */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of A–Z a–z 0–9 _ . -')
      .default('madoguchi'),
    /** Sends mail through this SMTP server, e.g. smtp://user:pass@mail.example:587. Unset: the outbox under DATA_DIR. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    /** Production sign-in: JWTs from the identity provider, checked with its key set (JWKS) or a shared HS256 secret. */
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).default('madoguchi'),
    AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
    /** Requests per minute per valid token (per address for requests without a valid token). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Where the read models live: 'sqlite' (read.sqlite under DATA_DIR) or 'mongodb' (MONGODB_URL). Default: mongodb when MONGODB_URL is set. */
    READ_STORE: z.enum(['sqlite', 'mongodb']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => !(c.AUTH_JWKS_URL || c.AUTH_JWT_SECRET) || c.AUTH_ISSUER, {
    message: 'AUTH_ISSUER must be set with AUTH_JWKS_URL or AUTH_JWT_SECRET: only tokens of your identity provider are accepted',
    path: ['AUTH_ISSUER'],
  })
  .refine((c) => !c.EVENTSTORE_URL || c.MONGODB_URL, {
    message: 'MONGODB_URL must be set when EVENTSTORE_URL is: every instance must read the same keys of personal data',
    path: ['MONGODB_URL'],
  })
  .refine((c) => !c.MONGODB_URL || c.MASTER_KEY, {
    message: 'MASTER_KEY must be set when MONGODB_URL is: every instance must unwrap the same keys',
    path: ['MASTER_KEY'],
  })
  .refine((c) => c.READ_STORE !== 'mongodb' || c.MONGODB_URL, {
    message: 'MONGODB_URL must be set when READ_STORE is mongodb',
    path: ['READ_STORE'],
  })
  .refine((c) => !c.EVENTSTORE_URL || c.PSEUDONYM_KEY, {
    message: 'PSEUDONYM_KEY must be set when EVENTSTORE_URL is: every instance must derive the same ids',
    path: ['PSEUDONYM_KEY'],
  });

export type Config = z.infer<typeof schema>;

/**
 * An empty variable (`PORT=` in a .env file or a compose file) means unset, for every variable: the
 * default applies, or the requirement is reported as missing.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== '')));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}

/**
 * What the EventStoreDB client 6.2.1 parses (its own grammar, not a WHATWG URL: a cluster lists its nodes
 * comma-separated, `esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true`). It knows only the
 * schemes esdb:// (the nodes given) and esdb+discover:// (the nodes are gossip seeds, or one DNS name);
 * kurrentdb:// is @kurrent/kurrentdb-client's and is refused until the adapter moves to that client. The
 * client ignores an unknown option with a console warning (`tsl=false` would silently keep TLS on): refused.
 */
const EVENTSTORE_SCHEMES = ['esdb', 'esdb+discover'];
const EVENTSTORE_OPTIONS: Record<string, 'boolean' | 'integer' | 'text' | 'nodePreference'> = {
  tls: 'boolean',
  tlsverifycert: 'boolean',
  throwonappendfailure: 'boolean',
  tlscafile: 'text',
  usercertfile: 'text',
  userkeyfile: 'text',
  connectionname: 'text',
  maxdiscoverattempts: 'integer',
  defaultdeadline: 'integer',
  discoveryinterval: 'integer',
  gossiptimeout: 'integer',
  keepaliveinterval: 'integer',
  keepalivetimeout: 'integer',
  nodepreference: 'nodePreference',
};
const EVENTSTORE_URL = /^(?<scheme>[^:/]+):\/\/(?:(?<credentials>[^:@/]+:[^@/]+)@)?(?<hosts>[^/?]+)\/?(?:\?(?<query>.*))?$/;

export function eventStoreUrlProblem(url: string): string | undefined {
  const match = EVENTSTORE_URL.exec(url.trim());
  if (!match?.groups) return 'must look like esdb://[user:password@]host[:port][,host[:port]…][?option=value&…]';
  const { scheme, hosts, query } = match.groups;
  if (!EVENTSTORE_SCHEMES.includes(scheme)) {
    return `scheme ${scheme}:// is not understood by the EventStoreDB client 6.2.1: use esdb:// (the nodes listed) or esdb+discover:// (discovery through the nodes or a DNS name)`;
  }
  for (const host of hosts.split(',')) {
    const node = /^(?<address>[^:,\s]+)(?::(?<port>\d+))?$/.exec(host);
    const port = Number(node?.groups?.port ?? 2113);
    if (!node || port < 1 || port > 65535) return `node "${host}" must be host or host:port (port 1–65535)`;
  }
  for (const pair of query ? query.split('&') : []) {
    const [key, value = ''] = pair.split('=');
    const kind = EVENTSTORE_OPTIONS[flat(key)];
    if (kind === undefined) return `unknown option "${key}" (the client would ignore it)`;
    if (value === '') return `option ${key} needs a value`;
    if (kind === 'boolean' && value !== 'true' && value !== 'false') return `option ${key} must be true or false`;
    if (kind === 'integer' && !/^\d+$/.test(value)) return `option ${key} must be a whole number (milliseconds or a count)`;
    if (kind === 'nodePreference' && !['leader', 'follower', 'random', 'readonlyreplica'].includes(flat(value))) {
      return `option ${key} must be leader, follower, random or readOnlyReplica`;
    }
  }
  return undefined;
}

/** The client matches option names and node preferences ignoring case, '-' and '_'. */
function flat(text: string): string {
  return text.toLowerCase().replace(/[_-]/g, '');
}

/** The driver parses the string when a client is constructed (no connection is made): its refusal, word for word. */
export function mongoDbUrlProblem(url: string): string | undefined {
  if (!/^mongodb(\+srv)?:\/\//.test(url)) return 'must be a mongodb:// or mongodb+srv:// URL';
  try {
    // Loaded here, only when MONGODB_URL is set: the embedded default does not pay for the driver (issue 18).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const driver = require('mongodb') as { MongoClient: typeof MongoClient };
    new driver.MongoClient(url);
    return undefined;
  } catch (thrown) {
    return thrown instanceof Error ? thrown.message : String(thrown);
  }
}
