import { type TSchema, Type } from 'typebox';

/** Shared API schemas. Strings that users type are bounded; ids are UUIDs. */
export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 12, maxLength: 1024 });
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('helpdesk'), Type.Literal('auditor')]);

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
  });

export const CursorPage = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });

/** Comma-separated list in a query string, e.g. `platform=ios,ipados`. */
export const csv = (values: readonly string[]) => Type.String({ pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`, maxLength: 500 });

export const splitCsv = <T extends string>(value: string | undefined): T[] | undefined => (value ? (value.split(',') as T[]) : undefined);
