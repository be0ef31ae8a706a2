import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CommandContext, newCommandContext } from '../../application/event-sourcing/command-context';
import type { AuthenticatedRequest } from './auth.guard';
import { BadInput } from './validation';

const KEY = /^[A-Za-z0-9._~-]{8,128}$/;

/**
 * The command context of a request: `Idempotency-Key` (re-sending it returns the first answer and
 * appends nothing; scoped to the staff member), `X-Correlation-Id`, and the acting staff member as the
 * AuthGuard signed them in.
 */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): CommandContext => {
  const request = host.switchToHttp().getRequest<AuthenticatedRequest>();
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const key = header('idempotency-key');
  if (key !== undefined && !KEY.test(key)) {
    throw new BadInput([{ field: 'Idempotency-Key', in: 'header', code: 'input.idempotency-key' }]);
  }
  if (!request.principal) throw new Error('A command endpoint without an authenticated principal: is @Allow missing?');
  const correlation = header('x-correlation-id');
  // A key belongs to the staff member who sent it: someone else's identical key is another command. ('/' is in neither alphabet.)
  const commandId = key === undefined ? undefined : `${request.principal.staffId}/${key}`;
  return newCommandContext(actorOf(request.principal.staffId), commandId, correlation && KEY.test(correlation) ? correlation : undefined);
});

export const actorOf = (staffId: string) => `staff:${staffId}`;

/** The signed-in staff member (for queries that record who read what). */
export const Viewer = createParamDecorator((_data: unknown, host: ExecutionContext): string => {
  const principal = host.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('A query endpoint without an authenticated principal: is @Allow missing?');
  return actorOf(principal.staffId);
});
