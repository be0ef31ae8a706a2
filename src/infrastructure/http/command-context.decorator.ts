import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CommandContext, newCommandContext } from '../../application/event-sourcing/command-context';
import type { AuthenticatedRequest } from './auth.guard';
import { BadInput } from './validation';

const KEY = /^[A-Za-z0-9._~-]{8,128}$/;

/**
 * The command context of a request: `Idempotency-Key` (re-sending it returns the first answer and
 * appends nothing; scoped to the staff member; a different request under it is refused, see requestFingerprint), `X-Correlation-Id`, and the acting staff member as the
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
  const commandId = key === undefined ? undefined : scopedCommandId(request.principal.staffId, key);
  const fingerprint = key === undefined ? undefined : requestFingerprint(request.method, request.url, request.body);
  return newCommandContext(
    actorOf(request.principal.staffId),
    commandId,
    correlation && KEY.test(correlation) ? correlation : undefined,
    fingerprint,
  );
});

/**
 * What makes two requests under one Idempotency-Key the same request (the IETF Idempotency-Key draft's
 * fingerprint): the method, the path (which names the resource), and the body with its keys in a canonical
 * order, so that formatting and key order do not matter.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const path = url.split('?')[0];
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), path, canonical(body ?? null)]))
    .digest('base64url');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export const actorOf = (staffId: string) => `staff:${staffId}`;

/** A key belongs to the staff member who sent it: someone else's identical key is another command. ('/' is in neither alphabet.) */
export const scopedCommandId = (staffId: string, idempotencyKey: string) => `${staffId}/${idempotencyKey}`;

/** The signed-in staff member (for queries that record who read what). */
export const Viewer = createParamDecorator((_data: unknown, host: ExecutionContext): string => {
  const principal = host.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('A query endpoint without an authenticated principal: is @Allow missing?');
  return actorOf(principal.staffId);
});
