import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

const SECRET_FILE = '.action-token-secret';
const MIN_SECRET_LENGTH = 32;

/** The key that derives email-link tokens from their issue keys, so that a retried mail step
 * mails the same link. ACTION_TOKEN_SECRET when set (every worker of a deployment must share it);
 * otherwise a random one kept in DATA_DIR, made once with mode 0600, so one machine keeps it
 * across restarts. Links already mailed keep working if it changes: only their hashes are checked. */
export function loadActionTokenSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const configured = env.ACTION_TOKEN_SECRET;
  if (configured) {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`ACTION_TOKEN_SECRET must hold at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`);
    }
    return Buffer.from(configured, 'utf8');
  }
  const file = path.join(dataDir, SECRET_FILE);
  if (!fs.existsSync(file)) createSecretFile(file);
  const stored = fs.readFileSync(file, 'utf8').trim();
  if (stored.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`${file} holds no usable secret: delete it to make a new one, or set ACTION_TOKEN_SECRET`);
  }
  return Buffer.from(stored, 'utf8');
}

/** Written aside and linked into place, so a process starting at the same moment never reads a
 * half-written file and exactly one secret wins. */
function createSecretFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const pending = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(pending, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(pending, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.unlinkSync(pending);
  }
}
