import { Controller, Get, Inject, Optional, Query as QueryParams } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MAILER, type Mailer } from '../../application/ports/mailer';
import { AccessLog } from '../../application/privacy/access-log';
import { OutboxMailer } from '../mail/outbox/outbox-mailer';
import { outboxPage } from './answers';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { Viewer } from './command-context.decorator';
import { Authenticated, QuerySchema } from './openapi';
import { Query } from './read-model-docs';
import { pagination, Valid } from './validation';

type OutboxPage = z.infer<typeof outboxPage>;

@ApiTags('mail')
@Authenticated()
@Controller('v1/outbox')
export class OutboxController {
  constructor(
    private readonly accessLog: AccessLog,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  @Get()
  @Allow(...COUNTER_STAFF)
  @Query(
    'The mail outbox of the embedded default (SMTP_URL unset): every invitation (A6.3) and terms notice (A13) as it would have been sent, newest first, paginated. With SMTP_URL set the messages went to the SMTP server and none is kept here. A8.1: the job seekers whose messages are shown are recorded.',
    outboxPage,
  )
  @QuerySchema(pagination)
  async list(@QueryParams(new Valid(pagination)) { offset, limit }: z.infer<typeof pagination>, @Viewer() viewer: string): Promise<OutboxPage> {
    if (!(this.mailer instanceof OutboxMailer)) return { mailer: this.mailer ? 'smtp' : 'none', items: [], total: 0, offset, limit };
    const entries = this.mailer.list(offset, limit);
    await this.accessLog.record(
      viewer,
      'outbox',
      entries.flatMap((entry) => (entry.jobSeekerId ? [entry.jobSeekerId] : [])),
    );
    return {
      mailer: 'outbox',
      items: entries.map(({ raw, ...entry }) => ({ ...entry, raw: raw.toString('utf8') })),
      total: this.mailer.count(),
      offset,
      limit,
    };
  }
}
