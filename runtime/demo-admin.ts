import type { Db } from './db';
import { ALL_SITES, createUser, issueToken } from '../store/users';

/** On the very first start (no users at all) creates a demo admin for every site and returns its
 * token, which is shown once. Later starts return undefined. */
export async function ensureDemoAdmin(db: Db): Promise<string | undefined> {
  const [{ count }] = await db('users').count<{ count: string }[]>('* as count');
  if (Number(count) > 0) return undefined;
  const admin = await createUser(db, {
    email: 'admin@example.com',
    name: 'Demo admin',
    roles: ['admin', 'steward', 'compliance'],
    sites: [ALL_SITES],
  });
  return (await issueToken(db, admin.id, 'demo admin token (first start)')).token;
}
