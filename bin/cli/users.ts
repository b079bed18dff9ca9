import type { Db } from '../../runtime/db';
import { createUser, findUserByEmail, listUsers, type User } from '../../store/users';
import { parseFlags, parseRoles, parseSites, requireFlag, UsageError, type Print } from './arguments';

const UNIQUE_VIOLATION = '23505';

export async function addUserCommand(db: Db, args: string[], print: Print): Promise<void> {
  const flags = parseFlags('users add', args, { email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, sites: { type: 'string' } });
  const email = requireFlag('users add', flags, 'email');
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`users add: --email "${email}" is not an email address`);
  const user = {
    email,
    name: requireFlag('users add', flags, 'name'),
    roles: parseRoles(requireFlag('users add', flags, 'roles')),
    sites: parseSites(requireFlag('users add', flags, 'sites')),
  };
  try {
    print(`created user ${describeUser(await createUser(db, user))}`);
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new UsageError(`users add: a user with the email ${email} already exists`);
    throw error;
  }
}

export async function listUsersCommand(db: Db, args: string[], print: Print): Promise<void> {
  parseFlags('users list', args, {});
  const users = await listUsers(db);
  if (users.length === 0) print('no users yet: add one with "users add"');
  for (const user of users) print(describeUser(user));
}

/** The user an --email flag names, or a usage error saying there is none. */
export async function requireUserByEmail(db: Db, command: string, email: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new UsageError(`${command}: no user with the email ${email}; see "users list"`);
  return user;
}

function describeUser(user: User): string {
  return `${user.id}  ${user.email}  ${user.name}  roles=${user.roles.join(',')}  sites=${user.sites.join(',')}`;
}
