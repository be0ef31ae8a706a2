import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AUTHENTICATOR, Authenticator, Principal } from '../../application/ports/authenticator';
import { Message, render } from '../../domain/shared/messages';
import type { Role } from '../../domain/staff/staff';
import { perRoute } from './route-metadata';

const ACCESS = 'madoguchi:access';
type Access = { public: true } | { roles: readonly Role[] };

/** The roles that may call an endpoint (any one of them suffices). Endpoints without it are closed to everyone. */
export const Allow = (...roles: Role[]) => SetMetadata(ACCESS, { roles } satisfies Access);
/** No credentials needed (health checks). */
export const Public = () => SetMetadata(ACCESS, { public: true } satisfies Access);

/** Role groups, so the matrix in the README reads the same as the code. */
export const COUNTER_STAFF: Role[] = ['counselor', 'supervisor'];

/** No or bad credentials: HTTP 401. */
export class Unauthenticated extends Error {
  constructor(readonly text: Message) {
    super(render('en', text));
    this.name = 'Unauthenticated';
  }
}

/** Valid credentials, wrong role: HTTP 403. */
export class Forbidden extends Error {
  constructor(readonly text: Message) {
    super(render('en', text));
    this.name = 'Forbidden';
  }
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The bearer credential of a request, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header) : null;
  return match?.[1];
}

/**
 * A8.1: deny by default. Every controller route needs an @Allow (or @Public); the principal is
 * put on the request for the command context (the acting staff member of every event).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly access = perRoute((context) =>
    this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]),
  );

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** Answers at once when it can (a public route; a token the rate limit has already authenticated). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.access(context);
    if (access && 'public' in access) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = bearerOf(request);
    if (!bearer) throw new Unauthenticated({ code: 'unauthenticated' });
    const allowed = access?.roles ?? [];
    // The rate limit, which runs first, has already authenticated a valid token.
    if (request.principal) return permits(request.principal, allowed);
    return this.authenticator.authenticate(bearer).then((principal) => {
      if (!principal) throw new Unauthenticated({ code: 'token.invalid' });
      request.principal = principal;
      return permits(principal, allowed);
    });
  }
}

function permits(principal: Principal, allowed: readonly Role[]): true {
  if (!principal.roles.some((role) => allowed.includes(role))) {
    throw new Forbidden({ code: 'forbidden', params: { roles: principal.roles, needed: allowed } });
  }
  return true;
}
