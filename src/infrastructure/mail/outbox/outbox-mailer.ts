import Database from 'better-sqlite3';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Clock } from '../../../application/ports/clock';
import type { Mailer, MailMessage, SentMail } from '../../../application/ports/mailer';
import { stripAngles, toNodemailer } from '../mime';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    message_id TEXT NOT NULL PRIMARY KEY,
    queued_at  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    raw        BLOB NOT NULL
  ) STRICT`;

export interface OutboxEntry {
  messageId: string;
  queuedAt: string;
  subject: string;
  /** The whole message as it would have gone over SMTP (RFC 5322, MIME). */
  raw: Buffer;
}

/**
 * The embedded default: every message, composed exactly as SMTP would carry it, kept in a SQLite file
 * (DATA_DIR/outbox.sqlite) for staff to read. Sending the same Message-ID again keeps the first copy.
 */
export class OutboxMailer implements Mailer {
  private readonly db: Database.Database;

  constructor(
    filename: string,
    private readonly clock: Clock,
    private readonly messageIdDomain = 'madoguchi.invalid',
  ) {
    this.db = new Database(filename, { timeout: 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Messages carry personal data: a deleted one is overwritten in the file.
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
  }

  async send(message: MailMessage): Promise<SentMail> {
    const composed = toNodemailer(message, this.messageIdDomain);
    const raw = await new MailComposer(composed).compile().build();
    const messageId = stripAngles(composed.messageId);
    this.db
      .prepare('INSERT INTO outbox (message_id, queued_at, subject, raw) VALUES (?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING')
      .run(messageId, this.clock.now().toISOString(), message.subject, raw);
    return { messageId };
  }

  /** Newest first. */
  list(offset = 0, limit = 50): OutboxEntry[] {
    const rows = this.db
      .prepare('SELECT message_id, queued_at, subject, raw FROM outbox ORDER BY queued_at DESC, rowid DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as { message_id: string; queued_at: string; subject: string; raw: Buffer }[];
    return rows.map((row) => ({ messageId: row.message_id, queuedAt: row.queued_at, subject: row.subject, raw: row.raw }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
