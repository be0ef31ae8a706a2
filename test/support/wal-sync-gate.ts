import { fdatasync, fstatSync, statSync } from 'node:fs';
import type { SyncFile } from '../../src/infrastructure/sqlite/durable-wal';

/**
 * Stands in for the fdatasync of an SQLite store's WAL and holds each sync until the test lets it run (for real):
 * whatever a store answers while its sync is held, it answered before the disk had it.
 */
export class WalSyncGate {
  private readonly held: Array<{ fd: number; done: (error: NodeJS.ErrnoException | null) => void }> = [];
  private open = false;
  /** The file of every sync asked for, as `device:inode`. */
  readonly files: string[] = [];

  readonly syncFile: SyncFile = (fd, done) => {
    const { dev, ino } = fstatSync(fd);
    this.files.push(`${dev}:${ino}`);
    if (this.open) fdatasync(fd, done);
    else this.held.push({ fd, done });
  };

  /** Syncs asked for and not yet let through. */
  get waiting(): number {
    return this.held.length;
  }

  /** Runs the oldest sync held. */
  release(): void {
    const next = this.held.shift();
    if (next === undefined) throw new Error('No sync is being held');
    fdatasync(next.fd, next.done);
  }

  /** Fails the oldest sync held, as a disk error would. */
  fail(error: NodeJS.ErrnoException): void {
    const next = this.held.shift();
    if (next === undefined) throw new Error('No sync is being held');
    next.done(error);
  }

  /** Lets the syncs held, and every later one, through. */
  openUp(): void {
    this.open = true;
    while (this.held.length > 0) this.release();
  }
}

/** A file's identity (`device:inode`), to compare with the files a gate synced. */
export function fileIdentity(path: string): string {
  const { dev, ino } = statSync(path);
  return `${dev}:${ino}`;
}

/** Whether a promise has settled, read without waiting. */
export function track<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  const state = { promise, settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}
