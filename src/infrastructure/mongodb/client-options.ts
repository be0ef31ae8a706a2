import type { MongoClient, MongoClientOptions } from 'mongodb';

/**
 * Limits on waiting, so that a lost majority or an unreachable server fails a request (and a start) instead of
 * hanging it. The driver's defaults wait 30 s to find a server and forever for a majority acknowledgement and for
 * an answer; its `timeoutMS` has no effect in driver 7. The same options in MONGODB_URL take precedence.
 */
export const MONGO_TIMEOUTS = {
  /** How long to look for a primary: at start, and when a failover is under way. */
  serverSelectionTimeoutMS: 10_000,
  connectTimeoutMS: 10_000,
  /** An answer that takes longer than this closes the connection: the server is stuck. */
  socketTimeoutMS: 30_000,
  /** How long a write waits for a majority; then it fails with a write-concern error (it may still have been applied). */
  wtimeoutMS: 10_000,
} as const;

/** Majority writes and reads from the primary, with MONGO_TIMEOUTS where the URL does not set its own. */
export function mongoClientOptions(url: string): MongoClientOptions {
  const inUrl = new Set([...new URLSearchParams(url.split('?')[1] ?? '').keys()].map((key) => key.toLowerCase()));
  const unlessInUrl = (key: keyof typeof MONGO_TIMEOUTS) => (inUrl.has(key.toLowerCase()) ? {} : { [key]: MONGO_TIMEOUTS[key] });
  return {
    ...unlessInUrl('serverSelectionTimeoutMS'),
    ...unlessInUrl('connectTimeoutMS'),
    ...unlessInUrl('socketTimeoutMS'),
    writeConcern: { w: 'majority', journal: true, ...unlessInUrl('wtimeoutMS') },
    readConcern: { level: 'majority' },
    readPreference: 'primary',
  };
}

/** The database named in a connection string's path (`mongodb://host/<database>?…`), as the driver reads it. */
export function databaseInUrl(url: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : undefined;
}

/** Connects, or fails naming the part and the variable, which the driver's own message ("connect ECONNREFUSED 127.0.0.1:27017") does not. */
export async function connectOrExplain(client: MongoClient, part: string): Promise<void> {
  try {
    await client.connect();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const waited = client.options.serverSelectionTimeoutMS;
    throw new Error(
      `${part} cannot reach MongoDB (MONGODB_URL) within ${waited} ms: ${reason}. Check MONGODB_URL and that the replica set is up and initiated.`,
      { cause },
    );
  }
}
