import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

/** Marks where a named parameter goes in a query built once; never a value a caller could send (it starts with NUL). */
const MARK = '\u0000steward-param:';

type Slot = { name: string } | { value: unknown };

/**
 * A named parameter of a {@link prepared} query. Typed as the column's type so the builder accepts
 * it; at run time it is a marker the compiled parameters are matched against.
 */
export function param<T = string>(name: string): T {
  return `${MARK}${name}` as T;
}

/**
 * A query built with Kysely once and then only executed: the hot paths of device protocols run the
 * same few statements thousands of times a second, and building and compiling them each time cost
 * more than SQLite took to run them. The SQL is compiled on first use (once per dialect) and executed
 * with the values of its named parameters, in a transaction or not.
 *
 * @example
 * const byUdid = prepared<{ udid: string }, AppleDeviceRow>((db) => db.selectFrom('apple_devices').selectAll().where('udid', '=', param('udid')));
 * const [row] = (await byUdid(db, { udid })).rows;
 */
export function prepared<P extends Record<string, unknown>, R, DB>(
  build: (db: Kysely<DB>) => Compilable<R>,
): (db: Kysely<DB>, params: P) => Promise<QueryResult<R>> {
  // One compiled form per dialect (tests run SQLite and PostgreSQL in one process).
  const byDialect = new Map<unknown, { sql: string; slots: Slot[] }>();
  return async (db, params) => {
    const dialect = db.getExecutor().adapter.constructor;
    let compiled = byDialect.get(dialect);
    if (!compiled) {
      const query = build(db).compile();
      compiled = {
        sql: query.sql,
        slots: query.parameters.map((value) => (typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) } : { value })),
      };
      byDialect.set(dialect, compiled);
    }
    const values = compiled.slots.map((slot) => {
      if ('value' in slot) return slot.value;
      const value = params[slot.name];
      if (value === undefined) throw new Error(`prepared query: no value for parameter "${slot.name}"`);
      return value;
    });
    return (await db.executeQuery(CompiledQuery.raw(compiled.sql, values))) as QueryResult<R>;
  };
}
