import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Pseudonymizer } from '../../application/ports/pseudonymizer';

/** HMAC-SHA-256 pseudonyms; the kind is part of the input so the same value gets unrelated pseudonyms per kind. */
export class HmacPseudonymizer implements Pseudonymizer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('The pseudonym key must be at least 32 bytes');
  }

  pseudonym(kind: 'job-seeker-no' | 'device', value: string): string {
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`).digest('hex');
  }

  /** The key from PSEUDONYM_KEY, or else from a file created on first start (owner-readable only). */
  static fromConfig(hexKey: string | undefined, keyFile: string): HmacPseudonymizer {
    if (hexKey) return new HmacPseudonymizer(Buffer.from(hexKey, 'hex'));
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    }
    chmodSync(keyFile, 0o600);
    return new HmacPseudonymizer(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'));
  }
}
