// Renders the config templates under infra/ ({{name}} placeholders), strictly:
// a placeholder without a value is an error rather than a silently broken config.

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export type TemplateValues = Readonly<Record<string, string | number>>;

export function renderTemplate(template: string, values: TemplateValues, source = 'template'): string {
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return match;
    }
    return String(value);
  });
  if (missing.size > 0) {
    throw new Error(
      `${source}: no value for placeholder(s) ${[...missing].map((n) => `{{${n}}}`).join(', ')}`,
    );
  }
  return rendered;
}

/** The placeholders a template uses, in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}
