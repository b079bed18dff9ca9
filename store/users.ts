import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../runtime/db';

export const ROLES = ['steward', 'compliance', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** '*' in sites means every site. */
export const ALL_SITES = '*';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  sites: string[];
}

interface UserRow extends User {
  disabled_at: Date | null;
}

const TOKEN_PREFIX = 'stw_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createUser(
  db: Db,
  user: { email: string; name: string; roles: Role[]; sites: string[] },
): Promise<User> {
  const [row] = await db<UserRow>('users')
    .insert({ email: user.email.toLowerCase(), name: user.name, roles: user.roles, sites: user.sites })
    .returning(['id', 'email', 'name', 'roles', 'sites']);
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db<UserRow>('users').where({ email: email.toLowerCase() }).first(['id', 'email', 'name', 'roles', 'sites']);
}

export async function listUsers(db: Db): Promise<User[]> {
  return db<UserRow>('users').whereNull('disabled_at').orderBy('email').select(['id', 'email', 'name', 'roles', 'sites']);
}

/** A new API token: 256 random bits, shown once; only its hash is stored. */
export async function issueToken(
  db: Db,
  userId: string,
  label: string,
  expiresAt?: Date,
): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await db('api_tokens')
    .insert({ user_id: userId, token_hash: hashToken(token), label, expires_at: expiresAt ?? null })
    .returning(['id']);
  return { id: row.id, token };
}

/** Revokes a token by id; true when a live token was revoked. */
export async function revokeToken(db: Db, tokenId: string): Promise<boolean> {
  const count = await db('api_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return count > 0;
}

export async function listTokens(db: Db, userId: string): Promise<Array<{ id: string; label: string; created_at: Date; revoked_at: Date | null; expires_at: Date | null; last_used_at: Date | null }>> {
  return db('api_tokens')
    .where({ user_id: userId })
    .orderBy('created_at')
    .select(['id', 'label', 'created_at', 'revoked_at', 'expires_at', 'last_used_at']);
}

/** The user a live token belongs to, or undefined for an unknown, revoked or expired token. */
export async function findUserByToken(db: Db, token: string): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .whereNull('u.disabled_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first(['t.id as token_id', 'u.id', 'u.email', 'u.name', 'u.roles', 'u.sites']);
  if (!row) return undefined;
  await db('api_tokens').where({ id: row.token_id }).update({ last_used_at: db.fn.now() });
  return { id: row.id, email: row.email, name: row.name, roles: row.roles, sites: row.sites };
}

export function canActOnSite(user: User, siteId: string): boolean {
  return user.sites.includes(ALL_SITES) || user.sites.includes(siteId);
}

/** The sites among `siteIds` that the user may act on. */
export function sitesOf(user: User, siteIds: string[]): string[] {
  return siteIds.filter((siteId) => canActOnSite(user, siteId));
}
