import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

/** What the in-process SMTP server answers next: accept, or refuse at RCPT TO or after DATA with a code. */
export type Answer = { refuse?: 'rcpt' | 'data'; code?: number };

/** A real SMTP server in this process (smtp-server), keeping every message it accepts, raw. */
export class TestSmtpServer {
  readonly received: Buffer[] = [];
  /** Answers to use, one per message, before accepting everything again. */
  readonly answers: Answer[] = [];
  /**
   * Called with each message kept, before the server answers 250: a test can kill the sender here, or hold the answer
   * (the sender waits in the middle of its send) until the promise it returns settles.
   */
  beforeAccepting: (raw: Buffer) => void | Promise<void> = () => undefined;
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (this.answers[0]?.refuse === 'rcpt') return callback(refusal(this.answers.shift() as Answer));
        callback();
      },
      onData: (stream: SMTPServerDataStream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.answers[0]?.refuse === 'data') return callback(refusal(this.answers.shift() as Answer));
          const raw = Buffer.concat(chunks);
          this.received.push(raw);
          void Promise.resolve(this.beforeAccepting(raw)).then(() => callback());
        });
      },
    });
  }

  static async start(): Promise<TestSmtpServer> {
    const server = new TestSmtpServer();
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function refusal(answer: Answer): Error & { responseCode: number } {
  return Object.assign(new Error(answer.code && answer.code >= 500 ? 'Mailbox unavailable' : 'Try again later'), {
    responseCode: answer.code ?? 451,
  });
}
