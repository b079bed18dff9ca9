import { parseArgs } from 'node:util';
import { ALL_SITES, ROLES, type Role } from '../../store/users';

/** Where a command writes its output (stdout, or a test's array). */
export type Print = (line: string) => void;

/** A mistake in the command line: printed as is, exit code 1. */
export class UsageError extends Error {}

type FlagSpec = Record<string, { type: 'string' }>;

/** The flags of one command; unknown flags and stray words are usage errors. */
export function parseFlags<T extends FlagSpec>(command: string, args: string[], flags: T): { [K in keyof T]?: string } {
  try {
    return parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values as { [K in keyof T]?: string };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

export function requireFlag(command: string, flags: Record<string, string | undefined>, name: string): string {
  const value = flags[name];
  if (value === undefined || value === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

export function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((role) => role.trim()).filter(Boolean);
  if (roles.length === 0) throw new UsageError(`--roles: give at least one of ${ROLES.join(', ')}`);
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--roles: unknown role "${role}"; the roles are ${ROLES.join(', ')}`);
  }
  return [...new Set(roles)] as Role[];
}

const SITE_ID = /^[a-z0-9][a-z0-9-]*$/;

export function parseSites(value: string): string[] {
  if (value.trim() === ALL_SITES) return [ALL_SITES];
  const sites = value.split(',').map((site) => site.trim()).filter(Boolean);
  if (sites.length === 0) throw new UsageError('--sites: give site ids separated by commas, or * for every site');
  for (const site of sites) {
    if (!SITE_ID.test(site)) throw new UsageError(`--sites: "${site}" is not a site id (lower-case letters, digits and dashes), nor * for every site`);
  }
  return [...new Set(sites)];
}

export function parsePositiveInteger(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag}: expected a whole number of at least 1, got "${value}"`);
  return Number(value);
}
