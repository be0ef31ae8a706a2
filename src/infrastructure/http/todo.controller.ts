import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessLog } from '../../application/privacy/access-log';
import { DEADLINE_NEAR_HOURS } from '../../projections/todo/todo';
import { TodoQueries } from '../../projections/todo/todo.queries';
import { Allow, COUNTER_STAFF } from './auth.guard';
import { Viewer } from './command-context.decorator';
import { Authenticated, PathSchema } from './openapi';
import { Query, todoSchema } from './read-model-docs';
import { fields, Valid } from './validation';

@ApiTags('to-do')
@Authenticated()
@Controller('v1/offices')
export class TodoController {
  constructor(
    private readonly todo: TodoQueries,
    private readonly accessLog: AccessLog,
  ) {}

  @Get(':id/todo')
  @Allow(...COUNTER_STAFF)
  @Query(
    `What the office's staff must act on now: requests within ${DEADLINE_NEAR_HOURS} h of their A6.1 confirmation deadline and past it, confirmed sessions not yet invited, failed invitations (A6.3), today's sessions awaiting check-in, job seekers due for a refusal review after no-shows (A6.5), sessions on the office's closure days to be moved. A8.1: names shown are recorded.`,
    todoSchema,
  )
  @PathSchema('id', fields.id)
  async get(@Param('id', new Valid(fields.id)) id: string, @Viewer() viewer: string): Promise<z.infer<typeof todoSchema>> {
    const lists = await this.todo.ofOffice(id);
    await this.accessLog.record(
      viewer,
      'todo',
      lists.refusalReviews.map((r) => r.jobSeekerId),
    );
    return lists;
  }
}
