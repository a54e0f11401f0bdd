// parquet_tarn_reads_duckdb.test.mjs — DuckDB writes Parquet files, tarn reads them.
//
// DuckDB (@duckdb/node-api) writes one table of every scalar type tarn maps (plus a struct
// and a list column, which tarn must report unsupported) with each codec DuckDB offers,
// PARQUET_VERSION v1 and v2 (v2 pages, DELTA encodings), several row groups, NULLs, low-
// and high-cardinality strings (dictionary vs plain). For each file, tests/tools/pq_dump
// prints the rows through tarn's reader and DuckDB reads the same file with every value
// cast to pq_dump's canonical text (see the comment at the top of pq_dump.c); every value
// is compared (doubles numerically). Exits non-zero on any mismatch and prints a summary.
// Env: TARN_BUILD (build dir with pq_dump), TARN_TEST_TMP (temp root); PQ_EXTRA_FILES
// (optional, comma-separated) adds existing Parquet files to compare the same way.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const build = process.env.TARN_BUILD || path.resolve('../../build');
const tmpRoot = process.env.TARN_TEST_TMP || '/tmp';
const dir = path.join(tmpRoot, `pq_duckdb_${process.pid}`);
fs.mkdirSync(dir, { recursive: true });
const pqDump = path.join(build, 'pq_dump');

const ROWS = 10000;
const TABLE_SQL = `
CREATE TABLE t AS SELECT
  i::INTEGER AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 3 = 0) END AS b,
  (i % 256 - 128)::TINYINT AS ti,
  (i * 37 % 65536 - 32768)::SMALLINT AS si,
  CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919 - 100000)::INTEGER END AS ii,
  (i::BIGINT * 1000003 * 1000003 - 5000000000000)::BIGINT AS bi,
  (i % 256)::UTINYINT AS ut,
  (i::BIGINT * 65537 % 4294967296)::UINTEGER AS ui,
  (18446744073709551615 - i)::UBIGINT AS ub,
  CASE WHEN i % 17 = 0 THEN NULL ELSE (i / 3.0)::FLOAT END AS f,
  CASE WHEN i % 13 = 0 THEN NULL ELSE i * 1.0 / 7 - 300 END::DOUBLE AS d,
  ((i % 19999 - 9999) / 10)::DECIMAL(4,1) AS dec4,
  ((i * 12345 % 1999999999 - 999999999) / 100)::DECIMAL(9,2) AS dec9,
  (i * 1234567.891 - 99999999)::DECIMAL(18,3) AS dec18,
  CASE WHEN i % 5 = 0 THEN NULL ELSE ((i - 5000)::DECIMAL(38,10) * 123456789012.0123456789)::DECIMAL(38,10) END AS dec38,
  DATE '1970-01-01' + (i * 37 % 40000 - 20000)::INTEGER AS dt,
  make_timestamp(i::BIGINT * 1234567891 - 1000000000000000) AS ts,
  make_timestamp(i::BIGINT * 1234567000 - 1000000000000000)::TIMESTAMP_MS AS ts_ms,
  make_timestamp_ns(i::BIGINT * 1234567891237 + 1) AS ts_ns,
  CASE WHEN i % 9 = 0 THEN NULL ELSE make_timestamp(i::BIGINT * 987654321 + 1)::TIMESTAMPTZ END AS tstz,
  CASE WHEN i % 4 = 0 THEN NULL ELSE 'cat_' || (i % 10) END AS s_low,
  md5(i::VARCHAR) || repeat('x', i % 5) AS s_high,
  CASE WHEN i % 6 = 0 THEN NULL ELSE unhex(md5(i::VARCHAR)) END AS bl,
  md5(i::VARCHAR)::UUID AS u,
  CASE WHEN i < 0 THEN 1 END::INTEGER AS all_null,
  {'a': i, 'b': 'x' || i} AS st,
  [i, i + 1] AS lst
FROM range(${ROWS}) r(i)`;

const FILES = [
  { name: 'v1_uncompressed', opts: "COMPRESSION 'uncompressed', ROW_GROUP_SIZE 3000" },
  { name: 'v1_snappy', opts: "COMPRESSION 'snappy', ROW_GROUP_SIZE 3000" },
  { name: 'v1_gzip', opts: "COMPRESSION 'gzip', ROW_GROUP_SIZE 4096" },
  { name: 'v1_zstd', opts: "COMPRESSION 'zstd', ROW_GROUP_SIZE 2048" },
  { name: 'v1_lz4', opts: "COMPRESSION 'lz4', ROW_GROUP_SIZE 3000" },
  { name: 'v1_lz4_raw', opts: "COMPRESSION 'lz4_raw', ROW_GROUP_SIZE 3000" },
  { name: 'v2_uncompressed', opts: "COMPRESSION 'uncompressed', PARQUET_VERSION v2, ROW_GROUP_SIZE 3000" },
  { name: 'v2_zstd', opts: "COMPRESSION 'zstd', PARQUET_VERSION v2, ROW_GROUP_SIZE 5000" },
  { name: 'v2_snappy', opts: "COMPRESSION 'snappy', PARQUET_VERSION v2" },
  { name: 'v2_gzip', opts: "COMPRESSION 'gzip', PARQUET_VERSION v2, ROW_GROUP_SIZE 2048" },
];

function canonicalExpr(col, type) {
  const c = `"${col}"`;
  if (type === 'FLOAT' || type === 'DOUBLE') return `CAST(${c} AS DOUBLE)`;
  if (type === 'DATE') return `CAST(CAST(${c} - DATE '1970-01-01' AS INTEGER) AS VARCHAR)`;
  if (type === 'TIMESTAMP WITH TIME ZONE') return `CAST(epoch_us(${c}) AS VARCHAR)`;
  if (type.startsWith('TIMESTAMP')) return `CAST(epoch_us(CAST(${c} AS TIMESTAMP)) AS VARCHAR)`;
  if (type === 'BLOB') return `lower(hex(${c}))`;
  if (type === 'UUID') return `replace(CAST(${c} AS VARCHAR), '-', '')`;
  return `CAST(${c} AS VARCHAR)`;
}

function sameValue(mine, theirs, type) {
  if (mine === null || theirs === null) return mine === theirs;
  if (type === 'FLOAT' || type === 'DOUBLE') {
    const m = typeof mine === 'string' ? Number(mine) : mine;
    return Object.is(m, theirs) || (Number.isNaN(m) && Number.isNaN(theirs)) || m === theirs;
  }
  return String(mine) === String(theirs);
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
await conn.run('SET threads = 2');
await conn.run(TABLE_SQL);

let failures = 0;
let compared = 0;
const summary = [];
const extra = (process.env.PQ_EXTRA_FILES || '').split(',').filter((f) => f)
  .map((f) => ({ name: path.basename(f), path: f }));
for (const file of [...FILES, ...extra]) {
  const fpath = file.path || path.join(dir, `${file.name}.parquet`);
  if (!file.path)
    await conn.run(`COPY (SELECT * FROM t ORDER BY id) TO '${fpath}' (FORMAT parquet, ${file.opts})`);
  let fileFailures = 0;
  const fail = (msg) => {
    if (fileFailures < 10) console.error(`${file.name}: ${msg}`);
    fileFailures++;
  };
  let schema;
  try {
    schema = execFileSync(pqDump, [fpath, '--schema'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim().split('\n').map((l) => JSON.parse(l));
  } catch (e) {
    fail(`pq_dump --schema failed: ${e.stderr || e.message}`);
    failures += fileFailures;
    summary.push(`${file.name}: FAILED (schema)`);
    continue;
  }
  for (const col of schema) {
    const nested = col.name.startsWith('st.') || col.name.startsWith('lst.');
    if (nested && !col.unsupported) fail(`nested column ${col.name} not reported unsupported`);
    if (!nested && col.unsupported) fail(`column ${col.name} unsupported: ${col.unsupported}`);
  }
  const described = (await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet('${fpath}')`)).getRowsJS();
  const cols = described.map((r) => ({ name: r[0], type: r[1] }))
    .filter((c) => !/STRUCT|\[\]|MAP/.test(c.type));
  const exprs = cols.map((c) => `${canonicalExpr(c.name, c.type)} AS "${c.name}"`).join(', ');
  const theirs = (await conn.runAndReadAll(
    `SELECT ${exprs} FROM read_parquet('${fpath}')`)).getRowsJS();
  let mine;
  try {
    mine = execFileSync(pqDump, [fpath], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })
      .trim().split('\n').map((l) => JSON.parse(l));
  } catch (e) {
    fail(`pq_dump failed: ${e.stderr || e.message}`);
    failures += fileFailures;
    summary.push(`${file.name}: FAILED (read)`);
    continue;
  }
  if (mine.length !== theirs.length) fail(`row count ${mine.length} != duckdb ${theirs.length}`);
  const n = Math.min(mine.length, theirs.length);
  for (let r = 0; r < n; r++) {
    for (let ci = 0; ci < cols.length; ci++) {
      const { name, type } = cols[ci];
      const m = name in mine[r] ? mine[r][name] : undefined;
      if (m === undefined) {
        fail(`row ${r}: column ${name} missing from pq_dump output`);
        continue;
      }
      compared++;
      if (!sameValue(m, theirs[r][ci], type))
        fail(`row ${r} column ${name} (${type}): tarn ${JSON.stringify(m)} duckdb ${JSON.stringify(theirs[r][ci])}`);
    }
  }
  failures += fileFailures;
  summary.push(`${file.name}: ${fileFailures ? `FAILED (${fileFailures} mismatches)` : 'ok'} (${n} rows, ${cols.length} columns)`);
}
console.log(summary.join('\n'));
console.log(`compared ${compared} values, ${failures} failures`);
if (!failures) fs.rmSync(dir, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
