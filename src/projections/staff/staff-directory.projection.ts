import { Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import type { StoredEvent } from '../../application/ports/event-store';
import type { Role, StaffEvent } from '../../domain/staff/staff';
import { Page, page } from '../../application/page';
import { LiveProjection } from '../live-projection';

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

/** Staff members, their roles and their tokens (hashes only), kept in memory on every instance. */
@Injectable()
export class StaffDirectoryProjection extends LiveProjection {
  protected readonly projectionName = 'staff-directory';
  private readonly staff = new Map<string, StaffMemberView>();
  private readonly tokens = new Map<string, TokenRecord>();

  protected apply(stored: StoredEvent): void {
    if (!stored.streamId.startsWith('staff-')) return;
    const event = toDomainEvent(stored) as StaffEvent;
    switch (event.type) {
      case 'StaffMemberEnrolled':
        this.staff.set(event.data.staffId, { staffId: event.data.staffId, name: event.data.name, roles: event.data.roles, tokens: [] });
        break;
      case 'StaffRolesChanged':
        this.member(event.data.staffId).roles = event.data.roles;
        break;
      case 'StaffTokenIssued': {
        const { staffId, tokenId, secretHash, issuedAt, expiresAt } = event.data;
        this.member(staffId).tokens.push({ tokenId, issuedAt, expiresAt });
        this.tokens.set(tokenId, { staffId, secretHash, expiresAt, revoked: false });
        break;
      }
      case 'StaffTokenRevoked': {
        const token = this.member(event.data.staffId).tokens.find((t) => t.tokenId === event.data.tokenId);
        if (token) token.revokedAt = event.data.revokedAt;
        const record = this.tokens.get(event.data.tokenId);
        if (record) record.revoked = true;
        break;
      }
    }
  }

  private member(staffId: string): StaffMemberView {
    const member = this.staff.get(staffId);
    if (!member) throw new Error(`Staff event for unknown staff member ${staffId}`);
    return member;
  }

  async token(tokenId: string): Promise<{ record: TokenRecord; roles: Role[] } | undefined> {
    await this.caughtUp();
    const record = this.tokens.get(tokenId);
    return record && { record, roles: this.member(record.staffId).roles };
  }

  async list(offset: number, limit: number): Promise<Page<StaffMemberView>> {
    await this.caughtUp();
    const all = [...this.staff.values()].sort((a, b) => a.staffId.localeCompare(b.staffId));
    return page(all, offset, limit);
  }
}
