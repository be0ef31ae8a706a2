import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const HEX = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters and one '=' of padding; base64url has no padding.
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * The master key that wraps the per-subject data keys: from the configured value (32 bytes as base64 or
 * 64 hex characters), or else from a file created on first start (owner-readable only).
 */
export function masterKeyFromConfig(base64OrHex: string | undefined, keyFile: string): Buffer {
  if (base64OrHex) return parseMasterKey(base64OrHex.trim(), 'the configured master key');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // Another process started at the same time and wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(keyFile, 0o600);
  return parseMasterKey(readFileSync(keyFile, 'utf8').trim(), `the master key file ${keyFile}`);
}

function parseMasterKey(value: string, source: string): Buffer {
  if (HEX.test(value)) return Buffer.from(value, 'hex');
  if (BASE64.test(value)) return Buffer.from(value, 'base64');
  // The value is a secret: the message never repeats it.
  throw new Error(
    `Invalid ${source}: it must be 32 bytes, written as base64 (44 characters) or hex (64 characters); ` +
      'generate one with `openssl rand -base64 32`',
  );
}
