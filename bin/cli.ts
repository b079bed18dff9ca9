import { connectDatabase, migrateToLatest, type Db } from '../runtime/db';
import { ConfigError, readConfig } from '../runtime/config';
import { UsageError, type Print } from './cli/arguments';
import { issueTokenCommand, listTokensCommand, revokeTokenCommand } from './cli/tokens';
import { addUserCommand, listUsersCommand } from './cli/users';

const USAGE = `usage: npm run cli -- <command>
  users add --email E --name N --roles steward,compliance,admin,integration --sites fr-paris-hq,de-munich-plant (or '*', quoted, for every site)
  users list
  tokens issue --email E [--label L] [--expires-days N]
  tokens list --email E
  tokens revoke --id ID
DATABASE_URL names the Postgres database.`;

type Command = (db: Db, args: string[], print: Print) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  'users add': addUserCommand,
  'users list': listUsersCommand,
  'tokens issue': issueTokenCommand,
  'tokens list': listTokensCommand,
  'tokens revoke': revokeTokenCommand,
};

/** Runs one command line (without the program name) against a migrated database. */
export async function runCli(db: Db, argv: string[], print: Print): Promise<void> {
  const [group, action, ...args] = argv;
  const command = COMMANDS[`${group} ${action}`];
  if (!command) throw new UsageError(group ? `unknown command "${argv.slice(0, 2).join(' ')}"\n${USAGE}` : USAGE);
  await command(db, args, print);
}

function databaseUrlFromEnvironment(): string {
  const { databaseUrl } = readConfig();
  if (!databaseUrl) {
    throw new UsageError('DATABASE_URL is not set: set it to the Postgres database, e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/stewardship');
  }
  return databaseUrl;
}

async function main(): Promise<void> {
  let db: Db | undefined;
  try {
    db = connectDatabase(databaseUrlFromEnvironment(), 1);
    await migrateToLatest(db);
    await runCli(db, process.argv.slice(2), (line) => console.log(line));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await db?.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}
