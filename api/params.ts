import type { Request } from 'express';
import { badRequest } from './errors';

export function pageOf(req: Request, defaults = { limit: 50, maxLimit: 500 }): { limit: number; offset: number } {
  return {
    limit: wholeNumber(req, 'limit', defaults.limit, 1, defaults.maxLimit),
    offset: wholeNumber(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

export function wholeNumber(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`query parameter ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function optionalString(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badRequest(`query parameter ${name} must be given once`);
  return raw;
}

export function oneOf<T extends string>(req: Request, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(req, name);
  if (value !== undefined && !allowed.includes(value as T)) {
    throw badRequest(`query parameter ${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T | undefined;
}
