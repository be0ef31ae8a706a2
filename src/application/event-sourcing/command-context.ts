import { createHash, randomUUID } from 'node:crypto';

/** Who issues a command and which command it is; becomes the metadata of every event it appends. */
export interface CommandContext {
  /** The Idempotency-Key when given: re-sending it returns the first answer. */
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  /**
   * A digest of the request the Idempotency-Key came with (method, path, canonical body), recorded with every
   * event the command appends: a later request under the same key must be the same request to be replayed.
   */
  requestFingerprint?: string;
}

export function newCommandContext(actor: string, idempotencyKey?: string, correlationId?: string, requestFingerprint?: string): CommandContext {
  const commandId = idempotencyKey ?? randomUUID();
  return {
    commandId,
    correlationId: correlationId ?? commandId,
    causationId: commandId,
    actor,
    ...(requestFingerprint ? { requestFingerprint } : {}),
  };
}

/**
 * A UUID (version 8, RFC 9562 "custom") derived from its parts: the same command always yields
 * the same event ids and entity ids, which is what makes retries idempotent in every store.
 */
export function deterministicUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A fresh id for an entity a command creates: stable across re-sends of the same command. */
export function entityId(context: CommandContext, kind: string): string {
  return deterministicUuid('entity', kind, context.commandId);
}
