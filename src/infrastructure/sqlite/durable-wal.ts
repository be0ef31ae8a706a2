import { closeSync, fdatasync, openSync } from 'node:fs';

/** Flushes what was written to a file to the disk, then calls back: `fs.fdatasync` (tests pass a gate to see the order). */
export type SyncFile = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

export interface DurableWalOptions {
  /** The database's `-wal` file, which must exist (the database is open in WAL mode); undefined for ':memory:'. */
  walFile: string | undefined;
  /**
   * The highest mark committed so far, read from the database (the last event position, the last key's rowid).
   * Marks only grow, and every commit of any connection writes its WAL frames before its mark can be read.
   */
  committedMark: () => bigint;
  /** Called after each sync that made new marks durable (to wake in-process subscribers). */
  onDurable?: () => void;
  /**
   * Called when a sync ends (made durable or failed), before the next one starts: the store commits there what it held
   * back while the sync ran (see `syncing`), so that the next sync covers it.
   */
  afterSync?: () => void;
  syncFile?: SyncFile;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Durable commits without blocking the event loop. The database runs in WAL mode with `synchronous = NORMAL`: a commit
 * writes its frames into the `-wal` file (the OS cache) and does not sync it. This class then makes commits durable with
 * an fdatasync of the WAL on libuv's thread pool, and resolves `through(mark)` only once a sync that started after the
 * mark's commit has finished: whatever fd wrote them, fdatasync flushes every write made to the file before it began.
 * One sync runs at a time; the commits made while it runs share the next one (group commit on the sync).
 *
 * Why a sync of the WAL suffices, also across checkpoints and other connections:
 * - Recovery replays the WAL from its header up to the last valid commit frame. The header and every frame before a
 *   commit were written before it, so the sync that covers the commit covers all it needs.
 * - A checkpoint (automatic, or another process's) syncs the WAL, copies it into the database file and syncs that
 *   file (SQLite does so at NORMAL). Only after a checkpoint has copied every frame may a writer restart the WAL,
 *   overwriting it from the start: a commit whose frames are overwritten before our sync is already durable in the
 *   database file. A restart writes the new header in place and syncs it; the file stays the same inode, and so do
 *   `wal_checkpoint(TRUNCATE)` and a `journal_size_limit` truncation, so the fd opened here stays the WAL's.
 * - SQLite deletes the WAL only when the last connection to the database closes, and every connection in WAL mode
 *   holds a shared lock for as long as it is open: while the store's own connection is open (it closes after this
 *   class), the WAL is never deleted nor re-created under this fd.
 * - An append by another process is made durable by that process before it answers; a mark read here from the
 *   database after that commit is covered by our own next sync too (same file), which `through` relies on.
 */
export class DurableWal {
  private readonly fd: number | undefined;
  private readonly syncFile: SyncFile;
  /** Every commit up to this mark is on disk. -1: nothing is known to be yet (the first sync covers what is there). */
  private durable = -1n;
  /** Waiting for the next sync. */
  private waiting: Waiter[] = [];
  /** The sync running, the mark it will make durable, and who waits for it. */
  private inFlight: { done: Promise<void>; mark: bigint; group: Waiter[] } | undefined;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: DurableWalOptions) {
    // Never written through: SQLite writes the WAL through its own fd, and fdatasync flushes the file, not the fd.
    this.fd = options.walFile === undefined ? undefined : openSync(options.walFile, 'r+');
    this.syncFile = options.syncFile ?? fdatasync;
  }

  /**
   * Whether a sync is running. A store holds its commits back meanwhile and makes them in `afterSync`: a commit made
   * now would wait for the next sync anyway, and one transaction for all of them costs less than one each (fewer
   * transactions, fewer copies of the same pages in the WAL).
   */
  get syncing(): boolean {
    return this.inFlight !== undefined;
  }

  /** The highest mark known to be on disk. */
  get durableMark(): bigint {
    return this.durable;
  }

  /** Resolves once every commit up to `mark` (committed before this call) is on disk. */
  through(mark: bigint): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (mark <= this.durable) return Promise.resolve();
    if (this.closing) return Promise.reject(new Error('The store is closed.'));
    return new Promise((resolve, reject) => {
      // The sync running covers the mark if it was committed before that sync began; else the next one will.
      if (this.inFlight && mark <= this.inFlight.mark) this.inFlight.group.push({ resolve, reject });
      else {
        this.waiting.push({ resolve, reject });
        if (this.inFlight === undefined) this.syncNext();
      }
    });
  }

  /** Lets the syncs already asked for finish, then closes the fd. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inFlight) await this.inFlight.done;
      if (this.fd !== undefined) closeSync(this.fd);
    })();
    return this.closing;
  }

  private syncNext(): void {
    const group = this.waiting;
    this.waiting = [];
    // Read before the sync starts: every commit up to it wrote its frames already, so the sync covers them; and every
    // waiter's mark was committed before it asked, so this mark is at least theirs.
    const mark = this.options.committedMark();
    let settle: () => void = () => undefined;
    this.inFlight = { done: new Promise((resolve) => (settle = resolve)), mark, group };
    const done = (error: NodeJS.ErrnoException | null): void => {
      this.inFlight = undefined;
      settle();
      if (error) this.fail(error, group);
      else {
        const advanced = mark > this.durable;
        if (advanced) this.durable = mark;
        for (const waiter of group) waiter.resolve();
        if (advanced) this.options.onDurable?.();
      }
      this.options.afterSync?.();
      if (this.waiting.length > 0 && this.inFlight === undefined) this.syncNext();
    };
    if (this.fd === undefined) queueMicrotask(() => done(null));
    else this.syncFile(this.fd, done);
  }

  /**
   * A failed sync may have dropped the written pages (and a later sync can then succeed without them): nothing
   * committed since the last good sync can be trusted to be on disk, so no append is answered any more.
   */
  private fail(error: NodeJS.ErrnoException, group: Waiter[]): void {
    this.failure = new Error(`The WAL ${this.options.walFile} could not be synced to disk (${error.message}): restart the process`, {
      cause: error,
    });
    for (const waiter of [...group, ...this.waiting]) waiter.reject(this.failure);
    this.waiting = [];
  }
}
