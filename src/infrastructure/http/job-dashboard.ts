import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../application/ports/authenticator';
import type { Role } from '../../domain/staff/staff';
import { languageOf, type Message, render } from '../../domain/shared/messages';
import type { BullMqScheduler } from '../scheduler/bullmq/bullmq-scheduler';
import { bearerOf } from './auth.guard';

/** Where the job dashboard (Bull Board) answers when the scheduler is BullMQ. */
export const JOB_DASHBOARD_PATH = '/admin/queues';
const SIGN_IN = `${JOB_DASHBOARD_PATH}/sign-in`;
const COOKIE = 'madoguchi_board';
const ALLOWED: readonly Role[] = ['supervisor'];

/**
 * The BullMQ job dashboard (Bull Board) for supervisors, behind the same sign-in as the API: a staff token
 * as `Authorization: Bearer`, or — for a browser, whose dashboard page calls its own API — the same token kept
 * in an HttpOnly, SameSite=Strict cookie set by posting it to the sign-in form. 401 without a valid token,
 * 403 without the supervisor role (A8.1), answered with the API's error body.
 */
export async function mountJobDashboard(app: NestFastifyApplication, scheduler: BullMqScheduler, authenticator: Authenticator): Promise<void> {
  const board = new BullBoardFastifyAdapter();
  createBullBoard({
    queues: [new BullMQAdapter(scheduler.dashboardQueue())],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Madoguchi jobs' } },
  });
  board.setBasePath(JOB_DASHBOARD_PATH);
  await app.register(async (scope: FastifyInstance) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.get(SIGN_IN, (_request, reply) => reply.type('text/html; charset=utf-8').send(SIGN_IN_PAGE));
    scope.post(SIGN_IN, async (request, reply) => {
      const token = (request.body as { token?: unknown } | undefined)?.token;
      const denied = typeof token === 'string' ? await check(authenticator, token) : unauthenticated;
      if (denied) return refuse(request, reply, denied);
      const secure = request.protocol === 'https' ? '; Secure' : '';
      return reply
        .header('set-cookie', `${COOKIE}=${encodeURIComponent(token as string)}; Path=${JOB_DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure}`)
        .redirect(JOB_DASHBOARD_PATH, 303);
    });
    await scope.register(async (dashboard: FastifyInstance) => {
      dashboard.addHook('onRequest', async (request, reply) => {
        const token = bearerOf(request) ?? cookieOf(request);
        const denied = token === undefined ? unauthenticated : await check(authenticator, token);
        if (denied) return refuse(request, reply, denied);
      });
      await dashboard.register(board.registerPlugin(), { prefix: JOB_DASHBOARD_PATH });
    });
  });
}

type Denied = { status: 401 | 403; error: string; text: Message };
const unauthenticated: Denied = { status: 401, error: 'unauthenticated', text: { code: 'unauthenticated' } };

async function check(authenticator: Authenticator, token: string): Promise<Denied | undefined> {
  const principal = await authenticator.authenticate(token).catch(() => undefined);
  if (!principal) return { status: 401, error: 'unauthenticated', text: { code: 'token.invalid' } };
  if (!principal.roles.some((role) => ALLOWED.includes(role)))
    return { status: 403, error: 'forbidden', text: { code: 'forbidden', params: { roles: principal.roles, needed: ALLOWED } } };
  return undefined;
}

function refuse(request: FastifyRequest, reply: FastifyReply, denied: Denied): FastifyReply {
  const language = languageOf(request.headers['accept-language']);
  if (denied.status === 401) void reply.header('www-authenticate', 'Bearer realm="madoguchi"');
  return reply
    .status(denied.status)
    .header('content-language', language)
    .send({ error: denied.error, rule: 'A8.1', code: denied.text.code, message: render(language, denied.text) });
}

function cookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const SIGN_IN_PAGE = `<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>ジョブ管理画面へのサインイン（Madoguchi）</title></head>
<body>
<h1>ジョブ管理画面（Bull Board）</h1>
<p>監督者（supervisor）のトークンを入力してください。</p>
<form method="post" action="${SIGN_IN}">
<input type="password" name="token" autocomplete="off" size="80" required>
<button type="submit">サインイン</button>
</form>
</body></html>
`;
