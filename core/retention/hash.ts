import { createHash } from 'node:crypto';

/** What purge logs and erasure proofs keep of an id: its SHA-256, enough to answer "was this
 * record purged?" for someone who holds the id, and nothing for anyone else. */
export function hashedId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
