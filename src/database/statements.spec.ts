import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Statement } from './statement';

/**
 * Every statement of the service, rendered into src/queries/ (one .sql file
 * per sql/ module, checked in), so a change to SQL shows in review as SQL.
 * After changing a statement: `npm run sql:snapshots`, and commit the result.
 */
const SRC = join(__dirname, '..');
const QUERIES = join(SRC, 'queries');
const UPDATE = process.env.UPDATE_SQL_SNAPSHOTS === '1';

function sqlModules(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return entry === 'queries' ? [] : sqlModules(path);
    return /\/sql\/[^/]+\.ts$/.test(path) && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const isStatement = (value: unknown): value is Statement<unknown[], unknown> =>
  typeof value === 'object' && value !== null && typeof (value as Statement<[], unknown>).name === 'string' && typeof (value as Statement<[], unknown>).text === 'string';

function render(module: string): { file: string; sql: string; names: string[] } | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const statements = Object.values(require(module) as Record<string, unknown>).filter(isStatement);
  if (statements.length === 0) return undefined;
  const source = relative(SRC, module);
  const sql = statements.map((s) => `-- ${s.name}${s.events ? ' (reports events, announced after commit)' : ''}\n${s.text.trim()};\n`).join('\n');
  return { file: join(QUERIES, source.replace(/\/sql\//, '/').replace(/\.ts$/, '.sql')), sql: `-- rendered from src/${source} by src/database/statements.spec.ts\n\n${sql}`, names: statements.map((s) => s.name) };
}

describe('SQL snapshots (src/queries/)', () => {
  const rendered = sqlModules(SRC).map(render).filter((r): r is NonNullable<ReturnType<typeof render>> => r !== undefined);

  it('finds the statements', () => {
    expect(rendered.length).toBeGreaterThan(10);
  });

  it('names every statement once (a name is a prepared statement on each connection)', () => {
    const names = rendered.flatMap((r) => r.names);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('has every statement rendered as checked in (run `npm run sql:snapshots` after changing SQL)', () => {
    if (UPDATE) {
      rmSync(QUERIES, { recursive: true, force: true });
      for (const { file, sql } of rendered) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, sql);
      }
    }
    const changed = rendered.filter(({ file, sql }) => !existsSync(file) || readFileSync(file, 'utf8') !== sql).map(({ file }) => relative(SRC, file));
    const listed = (folder: string): string[] =>
      existsSync(folder) ? readdirSync(folder).flatMap((e) => (statSync(join(folder, e)).isDirectory() ? listed(join(folder, e)) : [join(folder, e)])) : [];
    const stale = listed(QUERIES).filter((file) => !rendered.some((r) => r.file === file)).map((file) => relative(SRC, file));
    expect({ changed, stale }).toEqual({ changed: [], stale: [] });
  });
});
