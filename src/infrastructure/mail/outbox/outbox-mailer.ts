import Database from 'better-sqlite3';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Clock } from '../../../application/ports/clock';
import type { Mailer, MailMessage, SentMail } from '../../../application/ports/mailer';
import { DurableWal, type SyncFile } from '../../sqlite/durable-wal';
import { stripAngles, toNodemailer } from '../mime';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    message_id TEXT NOT NULL PRIMARY KEY,
    queued_at  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    raw        BLOB NOT NULL
  ) STRICT`;
/** Columns added after the first outbox files were written (read by staff through the API). */
const ADDED_COLUMNS = { sender: 'TEXT', recipient: 'TEXT', text: 'TEXT', job_seeker_id: 'TEXT' } as const;

export interface OutboxEntry {
  messageId: string;
  queuedAt: string;
  subject: string;
  /** From and To as addresses (absent in messages an older version stored). */
  from?: string;
  to?: string;
  /** The plain-text part, as the job seeker reads it. */
  text?: string;
  /** A8.1: whose personal data the message carries. */
  jobSeekerId?: string;
  /** The whole message as it would have gone over SMTP (RFC 5322, MIME). */
  raw: Buffer;
}

type Row = {
  message_id: string;
  queued_at: string;
  subject: string;
  sender: string | null;
  recipient: string | null;
  text: string | null;
  job_seeker_id: string | null;
  raw: Buffer;
};

/**
 * The embedded default: every message, composed exactly as SMTP would carry it, kept in a SQLite file
 * (DATA_DIR/outbox.sqlite) for staff to read. Sending the same Message-ID again keeps the first copy.
 */
export class OutboxMailer implements Mailer {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly rowidOf: Database.Statement;
  private readonly wal: DurableWal;

  constructor(
    filename: string,
    private readonly clock: Clock,
    private readonly messageIdDomain = 'madoguchi.invalid',
    /** How the WAL is synced to disk: `fs.fdatasync` (tests pass a gate to check that nothing is answered before it). */
    syncWal?: SyncFile,
  ) {
    this.db = new Database(filename, { timeout: 5_000 });
    this.db.pragma('journal_mode = WAL');
    // A message is answered as sent only once it is on disk, synced off the event loop (DurableWal): the sends of one
    // turn share a sync instead of each syncing inside its commit (issue 18).
    this.db.pragma('synchronous = NORMAL');
    // Messages carry personal data: a deleted one is overwritten in the file.
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    const columns = new Set((this.db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of Object.entries(ADDED_COLUMNS)) if (!columns.has(name)) this.db.exec(`ALTER TABLE outbox ADD COLUMN ${name} ${type}`);
    this.insert = this.db.prepare(
      `INSERT INTO outbox (message_id, queued_at, subject, sender, recipient, text, job_seeker_id, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    );
    this.rowidOf = this.db.prepare('SELECT rowid FROM outbox WHERE message_id = ?');
    const lastRowid = this.db.prepare('SELECT max(rowid) AS rowid FROM outbox');
    this.wal = new DurableWal({
      walFile: filename === ':memory:' ? undefined : `${filename}-wal`,
      committedMark: () => BigInt((lastRowid.get() as { rowid: number | null }).rowid ?? -1),
      syncFile: syncWal,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const composed = toNodemailer(message, this.messageIdDomain);
    const raw = await new MailComposer(composed).compile().build();
    const messageId = stripAngles(composed.messageId);
    this.insert.run(
      messageId,
      this.clock.now().toISOString(),
      message.subject,
      message.from.address,
      message.to.address,
      message.text,
      message.jobSeekerId ?? null,
      raw,
    );
    // The row (or the first copy a resend met) is on disk before the send is answered: a mark read after the insert
    // covers both.
    await this.wal.through(BigInt((this.rowidOf.get(messageId) as { rowid: number }).rowid));
    return { messageId };
  }

  /** Newest first. */
  list(offset = 0, limit = 50): OutboxEntry[] {
    const rows = this.db.prepare('SELECT * FROM outbox ORDER BY queued_at DESC, rowid DESC LIMIT ? OFFSET ?').all(limit, offset) as Row[];
    return rows.map((row) => ({
      messageId: row.message_id,
      queuedAt: row.queued_at,
      subject: row.subject,
      ...(row.sender !== null && { from: row.sender }),
      ...(row.recipient !== null && { to: row.recipient }),
      ...(row.text !== null && { text: row.text }),
      ...(row.job_seeker_id !== null && { jobSeekerId: row.job_seeker_id }),
      raw: row.raw,
    }));
  }

  /**
   * The rows go, overwritten in the file (secure_delete), and the write-ahead log that still holds their earlier
   * pages is checkpointed into the file and truncated: no byte of the messages stays in `outbox.sqlite*`.
   */
  async forget(jobSeekerId: string): Promise<number> {
    const { changes } = this.db.prepare('DELETE FROM outbox WHERE job_seeker_id = ?').run(jobSeekerId);
    if (changes > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changes;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    await this.wal.close();
    this.db.close();
  }
}
