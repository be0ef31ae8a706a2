import type { IssuedToken } from '../../application/staff/staff.commands';
import { describeJst } from '../../domain/calendar/business-calendar';

/** The lines that hand a token over: the token alone on its line, then until when it works (JST, and the instant) and `then`. */
export function describeToken(issued: IssuedToken, then: string): string[] {
  return [`  ${issued.token}`, `  Valid until ${describeJst(issued.expiresAt)} (${issued.expiresAt.toISOString()}). ${then}`];
}
