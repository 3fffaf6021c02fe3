// PostgreSQL: the pool, the migrations (migrations/NNN_name.sql, applied in order at start,
// each in its own transaction, recorded in schema_migrations), multi-row inserts and COPY.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { log } from './log.js';

// NUMERIC and BIGINT come back as strings (exact); the code converts where it needs numbers.
export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000 });
  // An idle client's error (the server went away) must not crash the process.
  pool.on('error', (error) => log(`database: ${error.message}`));
  return pool;
}

export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // Two indexers starting at once: the advisory lock lets one migrate at a time.
    await client.query('SELECT pg_advisory_lock(735700)');
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
    const files = readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
    for (const file of files) {
      const version = Number(file.split('_')[0]);
      if (done.has(version)) continue;
      const sql = readFileSync(path.join(migrationsDir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`);
      }
      log(`applied migration ${file}`);
      applied.push(version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(735700)').catch(() => undefined);
    client.release();
  }
  return applied;
}

type Row = unknown[];

// INSERT INTO table (columns) VALUES (...), (...) [suffix], in chunks under PostgreSQL's
// 65,535 parameters; returns the rows RETURNING gave, if any.
export async function insertMany(client: pg.PoolClient, table: string, columns: string[], rows: Row[], suffix = ''): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  if (rows.length === 0) return out;
  const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((v) => {
        values.push(typeof v === 'bigint' ? v.toString() : v);
        return `$${values.length}`;
      });
      return `(${marks.join(',')})`;
    });
    const result = await client.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${tuples.join(',')} ${suffix}`, values);
    out.push(...result.rows);
  }
  return out;
}

// COPY's text format: tab-separated, \N for NULL, bytea as \\x<hex>, backslash escapes.
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (Buffer.isBuffer(v)) return '\\\\x' + v.toString('hex');
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

function* copyText(rows: Row[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(copyField).join('\t') + '\n';
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

// Bulk insert with COPY FROM STDIN: for rows that cannot conflict (those of blocks that
// were new in this transaction), several times cheaper per row than INSERT.
export async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
  await pipeline(Readable.from(copyText(rows)), sink);
}
