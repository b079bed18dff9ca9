import type { Db } from '../../runtime/db';
import { issueToken, listTokens, revokeToken } from '../../store/users';
import { parseFlags, parsePositiveInteger, requireFlag, UsageError, type Print } from './arguments';
import { requireUserByEmail } from './users';

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function issueTokenCommand(db: Db, args: string[], print: Print): Promise<void> {
  const flags = parseFlags('tokens issue', args, { email: { type: 'string' }, label: { type: 'string' }, 'expires-days': { type: 'string' } });
  const user = await requireUserByEmail(db, 'tokens issue', requireFlag('tokens issue', flags, 'email'));
  const expiresAt = flags['expires-days'] === undefined ? undefined : new Date(Date.now() + parsePositiveInteger('expires-days', flags['expires-days']) * DAY_MS);
  const { id, token } = await issueToken(db, user.id, flags.label || 'cli', expiresAt);
  print(`issued token ${id}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ', never expires'}`);
  print('copy it now, it is not stored and will not be shown again:');
  print(token);
}

export async function listTokensCommand(db: Db, args: string[], print: Print): Promise<void> {
  const flags = parseFlags('tokens list', args, { email: { type: 'string' } });
  const user = await requireUserByEmail(db, 'tokens list', requireFlag('tokens list', flags, 'email'));
  const tokens = await listTokens(db, user.id);
  if (tokens.length === 0) print('no tokens: issue one with "tokens issue"');
  for (const token of tokens) {
    const state = token.revoked_at ? `revoked ${token.revoked_at.toISOString()}`
      : token.expires_at && token.expires_at < new Date() ? `expired ${token.expires_at.toISOString()}`
      : `live${token.expires_at ? ` until ${token.expires_at.toISOString()}` : ''}`;
    print(`${token.id}  ${token.label}  created ${token.created_at.toISOString()}  ${state}  last used ${token.last_used_at?.toISOString() ?? 'never'}`);
  }
}

export async function revokeTokenCommand(db: Db, args: string[], print: Print): Promise<void> {
  const flags = parseFlags('tokens revoke', args, { id: { type: 'string' } });
  const id = requireFlag('tokens revoke', flags, 'id');
  if (!UUID.test(id)) throw new UsageError(`tokens revoke: --id "${id}" is not a token id; see "tokens list"`);
  if (!(await revokeToken(db, id))) throw new UsageError(`tokens revoke: no live token with the id ${id}`);
  print(`revoked token ${id}`);
}
