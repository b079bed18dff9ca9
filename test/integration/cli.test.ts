import { freePort } from '../../runtime/ports';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../bin/cli';
import { findUserByEmail, findUserByToken, listTokens } from '../../store/users';
import { createTestDatabase, type TestDatabase } from '../support/servers';

describe('the cli', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function cli(...argv: string[]): Promise<string[]> {
    const lines: string[] = [];
    await runCli(database.db, argv, (line) => lines.push(line));
    return lines;
  }

  it('adds and lists users', async () => {
    await cli('users', 'add', '--email', 'Marie@Example.com', '--name', 'Marie Curie', '--roles', 'steward,admin', '--sites', 'fr-paris-hq,de-munich-plant');
    await cli('users', 'add', '--email', 'root@example.com', '--name', 'Root', '--roles', 'admin', '--sites', '*');
    expect(await findUserByEmail(database.db, 'marie@example.com')).toMatchObject({
      name: 'Marie Curie',
      roles: ['steward', 'admin'],
      sites: ['fr-paris-hq', 'de-munich-plant'],
    });
    const listed = await cli('users', 'list');
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain('marie@example.com');
    expect(listed[1]).toContain('sites=*');
  });

  it('refuses bad arguments with a clear error', async () => {
    await expect(cli('users', 'add', '--email', 'x@example.com', '--name', 'X', '--roles', 'steward,king', '--sites', '*')).rejects.toThrow(
      'unknown role "king"; the roles are steward, compliance, admin, integration',
    );
    await expect(cli('users', 'add', '--email', 'x@example.com', '--roles', 'steward', '--sites', '*')).rejects.toThrow('users add: --name is required');
    await expect(cli('users', 'add', '--email', 'x@example.com', '--name', 'X', '--roles', 'steward', '--sites', 'Paris HQ')).rejects.toThrow(/"Paris HQ" is not a site id/);
    await expect(cli('users', 'add', '--email', 'marie@example.com', '--name', 'M', '--roles', 'steward', '--sites', '*')).rejects.toThrow(/already exists/);
    await expect(cli('users', 'list', '--all')).rejects.toThrow(/users list: Unknown option '--all'/);
    await expect(cli('users', 'remove')).rejects.toThrow(/unknown command "users remove"/);
    await expect(cli('tokens', 'issue', '--email', 'nobody@example.com')).rejects.toThrow(/no user with the email nobody@example.com/);
    await expect(cli('tokens', 'issue', '--email', 'root@example.com', '--expires-days', '0')).rejects.toThrow(/--expires-days/);
    await expect(cli('tokens', 'revoke', '--id', 'abc')).rejects.toThrow(/not a token id/);
  });

  it('issues a token shown once, lists and revokes it', async () => {
    const issued = await cli('tokens', 'issue', '--email', 'root@example.com', '--label', 'laptop', '--expires-days', '30');
    const token = issued[issued.length - 1];
    expect((await findUserByToken(database.db, token))?.email).toBe('root@example.com');

    const user = await findUserByEmail(database.db, 'root@example.com');
    const [stored] = await listTokens(database.db, user!.id);
    expect(stored.label).toBe('laptop');
    const listed = await cli('tokens', 'list', '--email', 'root@example.com');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(new RegExp(`^${stored.id}  laptop  .* live until`));
    expect(listed.join('\n')).not.toContain(token);

    expect(await cli('tokens', 'revoke', '--id', stored.id)).toEqual([`revoked token ${stored.id}`]);
    expect(await findUserByToken(database.db, token)).toBeUndefined();
    await expect(cli('tokens', 'revoke', '--id', stored.id)).rejects.toThrow(/no live token/);
  });

  it('says to start the platform or set DATABASE_URL when no database answers', async () => {
    const root = path.join(__dirname, '..', '..');
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    delete env.DATABASE_URL;
    const run = promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsx'), ['bin/cli.ts', 'users', 'list'], { cwd: root, env });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot reach the database.*npm start.*DATABASE_URL/) });
  });
});
