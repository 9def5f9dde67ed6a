import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { drizzle as drizzleProxy, type SqliteRemoteResult } from "drizzle-orm/sqlite-proxy";
import pg from "pg";
import { closeDatabase, openDatabase, type SqliteDb } from "./client.server";
import { migratePostgres } from "./postgres/migrate.server";
import * as postgresSchema from "./postgres/schema";
import * as schema from "./schema";
import { moduleLog } from "../server/log.server";

const logger = moduleLog("database");

/** The tables, as the services read them. On PostgreSQL the same names hold pg-core tables. */
export type Tables = typeof schema;

/**
 * An asynchronous database, or a transaction in one, typed by the SQLite schema. The services'
 * queries are written once, awaited, and run on either store (decision 0047): on PostgreSQL the
 * same drizzle builders render PostgreSQL from the pg-core tables in `Store.tables`. SQLite-only
 * calls (`.get()`, `.all()`, `.run()`, `.values()`) are refused by the linter.
 */
export type Db = BaseSQLiteDatabase<"async", SqliteRemoteResult, Tables>;

/**
 * `make`'s answer for a store's tables, made once per store: drizzle aliases of a table must be
 * made from the store's own tables (PostgreSQL's on PostgreSQL).
 */
export function perTables<T>(make: (tables: Tables) => T): (tables: Tables) => T {
  const made = new WeakMap<Tables, T>();
  return (tables) => {
    let value = made.get(tables);
    if (value === undefined) {
      value = make(tables);
      made.set(tables, value);
    }
    return value;
  };
}

/** Where everything but the document log is kept: SQLite's file or PostgreSQL. */
export interface Store {
  readonly dialect: "sqlite" | "postgres";
  readonly db: Db;
  /** Query these, not `db/schema`'s tables: on PostgreSQL they are its tables. */
  readonly tables: Tables;
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back if it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction, waits for any other transaction holding `key` to end, and holds it
   * until this one ends. Check-then-write for one thing (a plan's automatic version, a chain's
   * next hash) takes its key first: on PostgreSQL an `insert ... where not exists` under read
   * committed lets two writers both see nothing. PostgreSQL takes an advisory lock on the key's
   * hash; SQLite runs one transaction at a time already.
   */
  lock(tx: Db, key: string): Promise<void>;
  /** The rows of a statement written in SQL, for the few queries the builders cannot write. */
  rows<T>(db: Db, query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * SQLite's one connection, which a transaction holds across its awaits: while it does, every
 * other statement waits, so none can slip into it (and be rolled back with it).
 */
export class ConnectionGate {
  private holder: object | null = null;
  private waiters: (() => void)[] = [];
  private readonly context = new AsyncLocalStorage<object>();

  /** Whether a statement of the caller's must wait now. */
  mustWait(): boolean {
    return this.holder !== null && this.context.getStore() !== this.holder;
  }

  private waitTurn(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Runs `fn` holding the connection; code of the holder's own that asks again just runs. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holder !== null && this.context.getStore() === this.holder) return fn();
    // Checked and taken in one turn: between a wake-up and the take no one else can take it.
    while (this.mustWait()) await this.waitTurn();
    const token = {};
    this.holder = token;
    try {
      return await this.context.run(token, fn);
    } finally {
      this.holder = null;
      const waiting = this.waiters;
      this.waiters = [];
      for (const wake of waiting) wake();
    }
  }

  /**
   * Runs a synchronous use of the connection once no other transaction holds it, checked in
   * the same turn as `fn` runs (a transaction taking the connection in between would get it).
   */
  async exclusive<T>(fn: () => T): Promise<T> {
    while (this.mustWait()) await this.waitTurn();
    return fn();
  }
}

/** Prepared statements are reused: preparing costs more than running most of them. */
const STATEMENT_CACHE_SIZE = 500;

export class SqliteStore implements Store {
  readonly dialect = "sqlite" as const;
  readonly db: Db;
  readonly tables = schema;
  readonly gate = new ConnectionGate();
  private readonly statements = new Map<string, Database.Statement>();

  /** `sync` is the same connection for the document store, which runs on every keystroke. */
  constructor(readonly sync: SqliteDb) {
    this.db = drizzleProxy(
      (query, params, method) => this.gate.exclusive(() => ({ rows: this.execute(query, params, method) })),
      { schema },
    );
  }

  private execute(query: string, params: unknown[], method: "run" | "all" | "values" | "get"): unknown[] {
    const statement = this.prepared(query);
    if (method === "run") {
      statement.run(params);
      return [];
    }
    if (!statement.reader) {
      statement.run(params);
      return [];
    }
    statement.raw(true);
    return method === "get" ? (statement.get(params) as unknown[]) : (statement.all(params) as unknown[]);
  }

  private prepared(query: string): Database.Statement {
    let statement = this.statements.get(query);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      statement = this.sync.$client.prepare(query);
      this.statements.set(query, statement);
    }
    return statement;
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock at BEGIN, so a transaction that reads before it writes
    // cannot be refused at its first write by another connection (an admin command's).
    return this.gate.hold(() => this.db.transaction(fn, { behavior: "immediate" }));
  }

  async lock(): Promise<void> {}

  rows<T>(_db: Db, query: SQL): Promise<T[]> {
    // Through the synchronous client, which reads rows as objects (the proxy reads arrays for
    // the builders to map); inside a transaction the gate lets its holder through.
    return this.gate.exclusive(() => this.sync.all<T>(query));
  }

  async close(): Promise<void> {
    await this.gate.exclusive(() => closeDatabase(this.sync));
  }
}

/** What a pg-core database or transaction is underneath the `Db` type it is given as. */
interface PgQueries {
  execute(query: SQL): Promise<{ rows: unknown[] }>;
}

export class PostgresStore implements Store {
  readonly dialect = "postgres" as const;
  readonly db: Db;
  readonly tables = postgresSchema as unknown as Tables;
  readonly postgres;

  constructor(readonly pool: pg.Pool) {
    // An idle connection the server drops (a restart, a failover) is replaced by the next query;
    // unheard, its error would stop the process.
    pool.on("error", (error) => logger.warn({ err: error }, "a PostgreSQL connection was lost"));
    this.postgres = drizzlePostgres(pool, { schema: postgresSchema });
    // One query language, two dialects: the builders render from the tables they are given,
    // and the schema-parity test holds the two schemas' names and types equal.
    this.db = this.postgres as unknown as Db;
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.postgres.transaction((tx) => fn(tx as unknown as Db));
  }

  async lock(tx: Db, key: string): Promise<void> {
    await this.rows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  }

  async rows<T>(db: Db, query: SQL): Promise<T[]> {
    const result = await (db as unknown as PgQueries).execute(query);
    return result.rows as T[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Opens the store `env` names: PostgreSQL when a URL is given, else the SQLite file. */
export async function openStore(options: { databasePath: string }): Promise<SqliteStore>;
export async function openStore(options: { databaseUrl?: string; databasePath: string }): Promise<Store>;
export async function openStore(options: { databaseUrl?: string; databasePath: string }): Promise<Store> {
  if (!options.databaseUrl) return new SqliteStore(openDatabase(options.databasePath));
  await migratePostgres(options.databaseUrl);
  return new PostgresStore(new pg.Pool({ connectionString: options.databaseUrl, max: 10 }));
}
