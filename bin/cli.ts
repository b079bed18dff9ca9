import { connectDatabase, databaseUrl, migrateToLatest, type Db } from '../runtime/db';
import { ConfigError, EMBEDDED_DATABASE, embeddedServerUrl, readConfig } from '../runtime/config';
import { UsageError, type Print } from './cli/arguments';
import { issueTokenCommand, listTokensCommand, revokeTokenCommand } from './cli/tokens';
import { addUserCommand, listUsersCommand } from './cli/users';

const USAGE = `usage: npm run cli -- <command>
  users add --email E --name N --roles steward,compliance,admin,integration --sites fr-paris-hq,de-munich-plant (or '*', quoted, for every site)
  users list
  tokens issue --email E [--label L] [--expires-days N]
  tokens list --email E
  tokens revoke --id ID
DATABASE_URL names the Postgres database; unset, the embedded one of a running npm start.`;

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

/** DATABASE_URL, or else the embedded database of a running `npm start`. */
function databaseUrlFromEnvironment(): string {
  const config = readConfig();
  return config.databaseUrl ?? databaseUrl(embeddedServerUrl(config.embedded.postgresPort), EMBEDDED_DATABASE);
}

async function main(): Promise<void> {
  let db: Db | undefined;
  try {
    const url = databaseUrlFromEnvironment();
    db = connectDatabase(url, 1);
    await migrateToLatest(db).catch((error: unknown) => {
      throw (error as { code?: string }).code === 'ECONNREFUSED'
        ? new UsageError(`cannot reach the database at ${new URL(url).host}: start the platform (npm start) or set DATABASE_URL`)
        : error;
    });
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
