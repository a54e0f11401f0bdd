// duck_load.mjs — the DuckDB side of bench/load: read an NDJSON file of Envoy access logs
// with read_json (schema auto-detected, as a user would) and write it to one
// zstd-compressed Parquet file with COPY ... TO. Run under rss_run so its time and peak
// memory are measured exactly as tarn load's are. Prints the row count.
//   node duck_load.mjs IN.jsonl OUT.parquet
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: process.env.THREADS || '2' });
const conn = await instance.connect();
const q = (s) => s.replaceAll("'", "''");
const r = await conn.runAndReadAll(`COPY (SELECT * FROM read_json('${q(input)}',
  format = 'newline_delimited')) TO '${q(output)}' (FORMAT parquet, COMPRESSION zstd)`);
console.log(`duckdb wrote ${r.getRows()[0]?.[0] ?? '?'} rows`);
