import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../application/event-sourcing/command-answer';

/** A staff command endpoint: its summary, the headers every command takes, and the error contract. */
export function Documented(summary: string) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Re-sending a command with the same key returns the first answer and appends nothing.' }),
    ApiResponse({ status: 400, description: 'Malformed input; nothing was recorded.' }),
    ApiResponse({ status: 404, description: 'Unknown id.' }),
    ApiResponse({ status: 409, description: 'Changed by someone else at the same moment; nothing was recorded.' }),
    ApiResponse({ status: 422, description: 'Refused by a rule of the terms: `{ rule, message }`; nothing was recorded.' }),
  );
}

/** Every endpoint but /health: a bearer token, and the role-based answers. */
export function Authenticated() {
  return applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'No valid token (`Authorization: Bearer <token>`).' }),
    ApiResponse({ status: 403, description: 'Your role does not allow this (A8.1).' }),
    ApiResponse({ status: 429, description: 'Too many requests with this token; wait a minute.' }),
  );
}

/**
 * For commands that create or update (register a job seeker, enroll a staff member): 201 when the
 * command created the thing, 200 otherwise. Decided from the events appended, so a re-send answers
 * with the same status.
 */
export async function sendCreatedWhen(reply: FastifyReply, created: string, answer: CommandOutcome): Promise<void> {
  await reply.status(answer.appended.includes(created) ? 201 : 200).send(answer);
}
