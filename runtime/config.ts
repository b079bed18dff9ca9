import path from 'node:path';

/** Everything the processes read from the environment, read once at start-up. A variable left
 * unset means "use the embedded default" (only `npm start` provides those). */
export interface Config {
  databaseUrl?: string;
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  smtpUrl?: string;
  mailFrom: string;
  host: string;
  port: number;
  publicUrl: string;
  rulesDir: string;
  dataDir: string;
  embedded: { postgresPort: number; temporalPort: number; temporalUiPort: number; smtpPort: number };
  onboardingWaitMs: number;
  /** how much the Temporal SDK itself logs (its INFO lines narrate every bundling step) */
  temporalSdkLogLevel: SdkLogLevel;
  /** how often api and worker processes look for newly published rules */
  rulesPollMs: number;
}

export const SDK_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type SdkLogLevel = (typeof SDK_LOG_LEVELS)[number];

const ROOT = path.join(__dirname, '..');

export const EMBEDDED_POSTGRES_USER = 'stewardship';
export const EMBEDDED_POSTGRES_PASSWORD = 'stewardship';
/** The database `npm start` keeps the platform's data in. */
export const EMBEDDED_DATABASE = 'stewardship';

/** Where the embedded server of `npm start` listens (its "postgres" database). */
export function embeddedServerUrl(port: number): string {
  return `postgres://${EMBEDDED_POSTGRES_USER}:${EMBEDDED_POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`;
}

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000);
  const host = env.HOST ?? '127.0.0.1';
  return {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'stewardship',
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM ?? 'stewardship@localhost',
    host,
    port,
    publicUrl: (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, ''),
    rulesDir: path.resolve(env.RULES_DIR ?? path.join(ROOT, 'rules')),
    dataDir: path.resolve(env.DATA_DIR ?? path.join(ROOT, '.data')),
    embedded: {
      postgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329),
      temporalPort: integer(env, 'EMBEDDED_TEMPORAL_PORT', 7233),
      temporalUiPort: integer(env, 'EMBEDDED_TEMPORAL_UI_PORT', 8233),
      smtpPort: integer(env, 'EMBEDDED_SMTP_PORT', 2525),
    },
    onboardingWaitMs: integer(env, 'ONBOARDING_WAIT_MS', 5000),
    temporalSdkLogLevel: oneOf(env, 'TEMPORAL_SDK_LOG_LEVEL', SDK_LOG_LEVELS, 'WARN'),
    rulesPollMs: integer(env, 'RULES_POLL_MS', 1000),
  };
}

/** For the api and worker entry points, which never start embedded servers. */
export function requireSetting<T>(value: T | undefined, variable: string): T {
  if (value === undefined) throw new ConfigError(`${variable} is not set: the api and worker entry points need it (npm start provides embedded defaults)`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = allowed.find((candidate) => candidate === raw.toUpperCase());
  if (!value) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}
