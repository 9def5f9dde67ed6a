import { is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as postgres from "../../db/postgres/schema";
import * as sqlite from "../../db/schema";

/** What a column holds, as the code reading it sees it: the same for both stores. */
const KINDS: Record<string, string> = {
  SQLiteText: "text",
  SQLiteTextJson: "json",
  SQLiteInteger: "number",
  SQLiteTimestamp: "instant",
  SQLiteBoolean: "boolean",
  SQLiteBlobBuffer: "bytes",
  PgText: "text",
  PgJsonb: "json",
  PgInteger: "number",
  PgBigInt53: "number",
  PgTimestamp: "instant",
  PgBoolean: "boolean",
  PgCustomColumn: "bytes",
};

type Config = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;

/** A table as both dialects can state it: columns, keys, indexes and references. */
function shape(config: Config) {
  return {
    columns: Object.fromEntries(
      config.columns.map((column) => [
        column.name,
        {
          kind: KINDS[column.columnType] ?? `unmapped ${column.columnType}`,
          enum: column.enumValues ?? null,
          notNull: column.notNull,
          primary: column.primary,
          // Whether the database gives a value left out. drizzle counts every SQLite integer key as
          // given (a rowid), but only an AUTOINCREMENT one is, as an identity column is.
          given:
            column.columnType === "SQLiteInteger" && column.primary
              ? (column as { autoIncrement?: boolean }).autoIncrement === true
              : column.hasDefault,
          unique: column.isUnique,
        },
      ]),
    ),
    primaryKey: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name,
        unique: index.config.unique,
        columns: index.config.columns.map((column) => ("name" in column ? column.name : "expression")),
        partial: Boolean(index.config.where),
      }))
      .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "")),
    references: config.foreignKeys
      .map((key) => {
        const reference = key.reference();
        return {
          columns: reference.columns.map((column) => column.name),
          table: (reference.foreignTable as unknown as { [name: symbol]: string })[Symbol.for("drizzle:Name")],
          foreignColumns: reference.foreignColumns.map((column) => column.name),
          onDelete: key.onDelete ?? "no action",
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

function tables<T>(
  schema: Record<string, unknown>,
  isTable: (value: unknown) => value is T,
  config: (table: T) => Config,
) {
  return Object.fromEntries(
    Object.values(schema)
      .filter(isTable)
      .map((table) => {
        const read = config(table);
        return [read.name, shape(read)];
      }),
  );
}

describe("the two stores' schemas", () => {
  it("have the same tables, with the same columns, keys, indexes and references", () => {
    const inSqlite = tables(sqlite, (value): value is SQLiteTable => is(value, SQLiteTable), sqliteTableConfig);
    const inPostgres = tables(postgres, (value): value is PgTable => is(value, PgTable), pgTableConfig);
    // Leases decide which of several processes owns a plan: one process on SQLite owns them all.
    delete inPostgres.plan_leases;
    expect(Object.keys(inSqlite).length).toBeGreaterThan(20);
    expect(Object.keys(inPostgres).sort()).toEqual(Object.keys(inSqlite).sort());
    for (const name of Object.keys(inSqlite)) {
      expect({ table: name, ...inPostgres[name] }).toEqual({ table: name, ...inSqlite[name] });
    }
  });
});
