import { Inject, Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import type { StoredEvent } from '../../application/ports/event-store';
import { READ_STORE, ReadStore, ReadTransaction } from '../../application/ports/read-store';
import type { Projector } from '../../application/consumers/consumer';
import type { ConsumerObserver } from '../../application/consumers/consumer-runtime';
import { ReadModels } from '../../application/consumers/read-models';
import type { Role, StaffEvent } from '../../domain/staff/staff';
import { Page } from '../../application/page';

export interface StaffTokenView {
  tokenId: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt?: string;
}
export interface StaffMemberView {
  staffId: string;
  name: string;
  roles: Role[];
  tokens: StaffTokenView[];
}
/** What the embedded identity provider checks a token against. */
export interface TokenRecord {
  staffId: string;
  secretHash: string;
  expiresAt: string;
  revoked: boolean;
}

const STAFF_DIRECTORY = 'staff-directory';
const STAFF_EVENTS = ['StaffMemberEnrolled', 'StaffRolesChanged', 'StaffTokenIssued', 'StaffTokenRevoked'];
const MEMBERS = 'staff_members';
const TOKENS = 'staff_tokens';
type MemberDocument = StaffMemberView & { id: string };
type TokenDocument = TokenRecord & { id: string };

/**
 * Staff members, their roles and their tokens (hashes only): a small durable table kept by its own
 * consumer, so signing in never needs a projection of the whole log.
 */
@Injectable()
export class StaffDirectoryProjector implements Projector {
  readonly name = STAFF_DIRECTORY;
  readonly handles = STAFF_EVENTS;
  readonly collections = [{ name: MEMBERS }, { name: TOKENS }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored) as StaffEvent;
    switch (event.type) {
      case 'StaffMemberEnrolled':
        await tx.put(MEMBERS, { id: event.data.staffId, staffId: event.data.staffId, name: event.data.name, roles: event.data.roles, tokens: [] });
        return;
      case 'StaffRolesChanged':
        await this.member(tx, event.data.staffId);
        await tx.update(MEMBERS, event.data.staffId, { roles: event.data.roles });
        return;
      case 'StaffTokenIssued': {
        const { staffId, tokenId, secretHash, issuedAt, expiresAt } = event.data;
        const member = await this.member(tx, staffId);
        await tx.update(MEMBERS, staffId, { tokens: [...member.tokens, { tokenId, issuedAt, expiresAt }] });
        await tx.put(TOKENS, { id: tokenId, staffId, secretHash, expiresAt, revoked: false });
        return;
      }
      case 'StaffTokenRevoked': {
        const member = await this.member(tx, event.data.staffId);
        const tokens = member.tokens.map((t) => (t.tokenId === event.data.tokenId ? { ...t, revokedAt: event.data.revokedAt } : t));
        await tx.update(MEMBERS, member.staffId, { tokens });
        await tx.update(TOKENS, event.data.tokenId, { revoked: true });
        return;
      }
    }
  }

  private async member(tx: ReadTransaction, staffId: string): Promise<MemberDocument> {
    const member = await tx.get<MemberDocument>(MEMBERS, staffId);
    if (!member) throw new Error(`Staff event for unknown staff member ${staffId}`);
    return member;
  }
}

/**
 * Counts the changes of the staff directory. The consumer runtime's observer calls it after each batch it committed,
 * also when the batch's events had already been applied by another instance sharing the store (the runtime reports
 * the events it read either way), and before any read waiting for the directory to catch up resumes.
 */
@Injectable()
export class StaffDirectoryChanges implements ConsumerObserver {
  private count = 0;

  get generation(): number {
    return this.count;
  }

  applied(consumer: string, events: StoredEvent[]): void {
    if (consumer === STAFF_DIRECTORY && events.some((e) => STAFF_EVENTS.includes(e.type))) this.count++;
  }
}

type FoundToken = { record: TokenRecord; roles: Role[] };

/** Queries of the staff directory; each waits until the directory has caught up (read-your-writes). */
@Injectable()
export class StaffDirectoryProjection {
  /** Tokens found since the directory last changed: a change (issue, revocation, roles) empties it. */
  private readonly tokens = new Map<string, FoundToken>();
  private tokensGeneration = 0;

  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly changes: StaffDirectoryChanges,
  ) {}

  /** The token's record and its member's roles; the caller checks the secret, the revocation and the expiry. */
  async token(tokenId: string): Promise<FoundToken | undefined> {
    await this.readModels.caughtUp(STAFF_DIRECTORY);
    const generation = this.changes.generation;
    if (generation !== this.tokensGeneration) {
      this.tokens.clear();
      this.tokensGeneration = generation;
    }
    const cached = this.tokens.get(tokenId);
    if (cached) return cached;
    const found = await this.fetchToken(tokenId);
    // A change committed during the fetch may have come after what it read: keep only what no change can have made stale.
    if (found && this.changes.generation === generation) this.tokens.set(tokenId, found);
    return found;
  }

  private async fetchToken(tokenId: string): Promise<FoundToken | undefined> {
    const token = await this.store.get<TokenDocument>(TOKENS, tokenId);
    if (!token) return undefined;
    const member = await this.store.get<MemberDocument>(MEMBERS, token.staffId);
    const { id: _id, ...record } = token;
    return member && { record, roles: member.roles };
  }

  async list(offset: number, limit: number): Promise<Page<StaffMemberView>> {
    await this.readModels.caughtUp(STAFF_DIRECTORY);
    const [found, total] = await Promise.all([
      this.store.find<MemberDocument>(MEMBERS, { orderBy: [{ field: 'staffId' }], offset, limit }),
      this.store.count(MEMBERS),
    ]);
    return { items: found.items.map(({ id: _id, ...member }) => member), total, offset, limit };
  }
}
