import type { RequestHandler, Response } from 'express';
import type { Db } from '../runtime/db';
import { canActOnSite, findUserByToken, type Role, type User } from '../store/users';
import { forbidden, unauthenticated } from './errors';

/** Every /api call carries `Authorization: Bearer <token>`. */
export function authenticate(db: Db): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.get('authorization');
      if (!header) throw unauthenticated('missing Authorization header: send "Authorization: Bearer <token>"');
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthenticated('malformed Authorization header: expected "Bearer <token>"');
      const user = await findUserByToken(db, match[1]);
      if (!user) throw unauthenticated('unknown, revoked or expired API token');
      res.locals.user = user;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function currentUser(res: Response): User {
  const user = res.locals.user as User | undefined;
  if (!user) throw unauthenticated('not authenticated');
  return user;
}

/** Throws 403 naming what is missing: one of the roles, or the site. */
export function requireAccess(user: User, access: { roles: readonly Role[]; site?: string }): void {
  if (!access.roles.some((role) => user.roles.includes(role))) {
    throw forbidden(`this needs the role ${access.roles.join(' or ')}; you have ${user.roles.join(', ') || 'no role'}`);
  }
  if (access.site !== undefined && !canActOnSite(user, access.site)) {
    throw forbidden(`you may not act on site "${access.site}"`);
  }
}
