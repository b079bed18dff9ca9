/** A piece of SQL with its values, written as sql`... ${value} ...`: values become bindings, never
 * text, so rule-file content (regular expressions, check ids) cannot change a statement. */
export interface SqlFragment {
  text: string;
  values: unknown[];
}

export function sql(strings: TemplateStringsArray, ...parts: unknown[]): SqlFragment {
  let text = strings[0]!;
  const values: unknown[] = [];
  parts.forEach((part, index) => {
    if (isFragment(part)) {
      text += part.text;
      values.push(...part.values);
    } else {
      text += '?';
      values.push(part);
    }
    text += strings[index + 1]!;
  });
  return { text, values };
}

/** Fragments one after another, with a separator between them. */
export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return { text: fragments.map((fragment) => fragment.text).join(separator), values: fragments.flatMap((fragment) => fragment.values) };
}

/** Text that is SQL already (an identifier or expression built from known names). */
export function rawSql(text: string): SqlFragment {
  return { text, values: [] };
}

function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && 'text' in value && 'values' in value && Array.isArray((value as SqlFragment).values);
}
