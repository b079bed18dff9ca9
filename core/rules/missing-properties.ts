/** A copy of `current` with every object property it lacks taken from `defaults`, at any depth;
 * nothing `current` has is changed (arrays and values are never merged). Returns the JSON pointers
 * of what was added. */
export function withMissingProperties(current: unknown, defaults: unknown): { value: unknown; added: string[] } {
  const added: string[] = [];
  const fill = (value: unknown, fallback: unknown, pointer: string): unknown => {
    if (!isObject(value) || !isObject(fallback)) return value;
    const filled: Record<string, unknown> = { ...value };
    for (const [key, fallbackValue] of Object.entries(fallback)) {
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key in value) filled[key] = fill(value[key], fallbackValue, child);
      else {
        filled[key] = fallbackValue;
        added.push(child);
      }
    }
    return filled;
  };
  return { value: fill(current, defaults, ''), added };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
