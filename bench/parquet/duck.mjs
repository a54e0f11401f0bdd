// duck.mjs — the DuckDB side of bench/parquet, run in its own process so its peak memory
// is its own. Prints one JSON object.
//   node duck.mjs write SRC.parquet OUT.parquet CODEC   load SRC into a DuckDB table
//        (untimed), then time COPY table TO OUT (FORMAT parquet, COMPRESSION CODEC)
//   node duck.mjs read FILE                              time SELECT min(col), ... over
//        every column of FILE (every column decoded, as pq_bench read does)
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const [mode, a, b, codec] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: process.env.THREADS || '2' });
const conn = await instance.connect();
const q = (s) => s.replaceAll("'", "''");

if (mode === 'write') {
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${q(a)}')`);
  const t0 = performance.now();
  await conn.run(`COPY t TO '${q(b)}' (FORMAT parquet, COMPRESSION ${codec})`);
  const seconds = (performance.now() - t0) / 1000;
  const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
  console.log(JSON.stringify({ rows, seconds, rows_per_s: Math.round(rows / seconds),
    file_bytes: statSync(b).size, peak_rss_kb: process.resourceUsage().maxRSS }));
} else if (mode === 'read') {
  const cols = (await conn.runAndReadAll(
    `SELECT name FROM parquet_schema('${q(a)}') WHERE type IS NOT NULL`)).getRows().map((r) => r[0]);
  const sql = `SELECT count(*), ${cols.map((c) => `min("${c}")`).join(', ')} FROM read_parquet('${q(a)}')`;
  const t0 = performance.now();
  const rows = Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ rows, seconds, rows_per_s: Math.round(rows / seconds),
    peak_rss_kb: process.resourceUsage().maxRSS }));
} else {
  console.error('usage: node duck.mjs write SRC OUT CODEC | read FILE');
  process.exit(2);
}
