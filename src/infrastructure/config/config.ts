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
    /** Switches the event store to EventStoreDB, e.g. esdb://localhost:2113?tls=false */
    EVENTSTORE_URL: z.string().url().optional(),
    /** Key of the keyed hash for job-seeker numbers and device ids (hex, ≥ 32 bytes). Required with a shared store. */
    PSEUDONYM_KEY: z.string().regex(/^[0-9a-fA-F]{64,}$/, 'must be at least 32 bytes of hex').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => !c.EVENTSTORE_URL || c.PSEUDONYM_KEY, {
    message: 'PSEUDONYM_KEY must be set when EVENTSTORE_URL is: every instance must derive the same ids',
    path: ['PSEUDONYM_KEY'],
  });

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}
