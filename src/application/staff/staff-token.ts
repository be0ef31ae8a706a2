import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Staff bearer tokens of the embedded identity provider: `mdg_<tokenId>_<secret>`. Only the
 * SHA-256 of the secret is recorded (the secret has 256 bits of entropy, so a fast hash is enough).
 */
const FORMAT = /^mdg_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface StaffToken {
  tokenId: string;
  secret: string;
}

export function newStaffToken(tokenId: string): StaffToken & { token: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, secret, token: `mdg_${tokenId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseStaffToken(token: string): StaffToken | undefined {
  const match = FORMAT.exec(token);
  return match ? { tokenId: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function secretMatches(secret: string, secretHash: string): boolean {
  // The hex digest turned into bytes: crypto.hash straight to a buffer is slower on Node 20.
  const given = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(secretHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
