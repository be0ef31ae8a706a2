import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';

/** A staff command endpoint: its summary, the headers every command takes, and the error contract. */
export function Documented(summary: string) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiHeader({ name: 'X-Staff-Id', required: true, description: 'The staff member issuing the command.' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Re-sending a command with the same key returns the first answer and appends nothing.' }),
    ApiResponse({ status: 400, description: 'Malformed input; nothing was recorded.' }),
    ApiResponse({ status: 404, description: 'Unknown id.' }),
    ApiResponse({ status: 409, description: 'Changed by someone else at the same moment; nothing was recorded.' }),
    ApiResponse({ status: 422, description: 'Refused by a rule of the terms: `{ rule, message }`; nothing was recorded.' }),
  );
}
