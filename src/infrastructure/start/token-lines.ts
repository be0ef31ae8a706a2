import type { IssuedToken } from '../../application/staff/staff.commands';
import { jstDateTime } from '../../domain/shared/messages';

/** The lines that hand a token over: the token alone on its line, then until when it works (JST, and the instant) and `then`. */
export function describeToken(issued: IssuedToken, then: string): string[] {
  return [`  ${issued.token}`, `  Valid until ${jstDateTime('en', toTheMinute(issued.expiresAt))} (${issued.expiresAt.toISOString()}). ${then}`];
}

/** An expiry read by a person, to the minute (rounded down: the token works at least until then). */
function toTheMinute(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
}
