import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CommandContext, newCommandContext } from '../../application/event-sourcing/command-context';
import { BadInput } from './validation';

const KEY = /^[A-Za-z0-9._~-]{8,128}$/;
const STAFF = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * The command context of a request: `Idempotency-Key` (re-sending it returns the first answer and
 * appends nothing), `X-Correlation-Id`, and the acting staff member (`X-Staff-Id`).
 */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): CommandContext => {
  const request = host.switchToHttp().getRequest<FastifyRequest>();
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const key = header('idempotency-key');
  if (key !== undefined && !KEY.test(key)) {
    throw new BadInput([{ field: 'Idempotency-Key', problem: 'must be 8–128 letters, digits or . _ ~ - (a UUID is best)' }]);
  }
  const staff = header('x-staff-id');
  if (!staff || !STAFF.test(staff)) {
    throw new BadInput([{ field: 'X-Staff-Id', problem: 'say which staff member acts (1–64 letters, digits or . _ @ -)' }]);
  }
  const correlation = header('x-correlation-id');
  return newCommandContext(`staff:${staff}`, key, correlation && KEY.test(correlation) ? correlation : undefined);
});
