import { randomBytes } from 'node:crypto';
import { IV_BYTES, randomIv, unwrapKey, wrapKey } from '../../../src/infrastructure/crypto/key-wrapping';

describe('wrapped data keys', () => {
  const masterKey = randomBytes(32);
  const dataKey = randomBytes(32);
  const subject = 'js-1';

  it('open, again and again, only with the master key and subject they were wrapped for, and only unaltered', () => {
    const wrapped = wrapKey(masterKey, subject, dataKey);
    const altered = Buffer.from(wrapped);
    altered[altered.length - 1] ^= 1;

    for (let round = 0; round < 2; round++) {
      expect(unwrapKey(masterKey, subject, wrapped, 'keys.sqlite')).toEqual(dataKey);
      expect(unwrapKey(masterKey, subject, Buffer.from(wrapped), 'keys.sqlite')).toEqual(dataKey);
      expect(() => unwrapKey(randomBytes(32), subject, wrapped, 'keys.sqlite')).toThrow(/master key is not the one/);
      expect(() => unwrapKey(masterKey, 'js-2', wrapped, 'keys.sqlite')).toThrow(/data key of js-2/);
      expect(() => unwrapKey(masterKey, subject, altered, 'keys.sqlite')).toThrow(/altered/);
    }
  });

  it('open from bytes re-wrapped for the subject, not the bytes opened before', () => {
    const first = wrapKey(masterKey, subject, dataKey);
    expect(unwrapKey(masterKey, subject, first, 'keys.sqlite')).toEqual(dataKey);
    const other = randomBytes(32);

    const second = wrapKey(masterKey, subject, other);

    expect(unwrapKey(masterKey, subject, second, 'keys.sqlite')).toEqual(other);
    expect(unwrapKey(masterKey, subject, first, 'keys.sqlite')).toEqual(dataKey);
  });
});

describe('AES-GCM IVs', () => {
  it('are never repeated, and an IV handed out stays as it was while later ones are drawn', () => {
    const first = randomIv();
    const kept = Buffer.from(first);
    const ivs = Array.from({ length: 1000 }, () => randomIv().toString('hex'));

    expect(first).toEqual(kept);
    expect(new Set([kept.toString('hex'), ...ivs]).size).toBe(1001);
    expect(first).toHaveLength(IV_BYTES);
  });
});
