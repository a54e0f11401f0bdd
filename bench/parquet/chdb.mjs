// chdb.mjs — the ClickHouse (embedded, npm `chdb`) side of bench/parquet, run in its own
// process so its peak memory is its own. Prints one JSON object.
//   node chdb.mjs write SRC.parquet OUT.parquet CODEC   load SRC into a Memory table
//        (untimed), then time INSERT INTO FUNCTION file(OUT, Parquet) SELECT * FROM it
//   node chdb.mjs read FILE                              time SELECT count(), min(col), ...
//        over every column of FILE
// max_threads follows THREADS (default 2), like the other engines.
import { Session } from 'chdb';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [mode, a, b, codec] = process.argv.slice(2);
const threads = process.env.THREADS || '2';
const dir = mkdtempSync(join(tmpdir(), 'tarn-bench-chdb-'));
const session = new Session(dir);
const q = (s) => s.replaceAll("'", "\\'");
const maxRss = () => process.resourceUsage().maxRSS;

try {
  if (mode === 'write') {
    session.query(`CREATE TABLE t ENGINE = Memory AS SELECT * FROM file('${q(a)}', Parquet)`);
    rmSync(b, { force: true });
    const t0 = performance.now();
    session.query(`INSERT INTO FUNCTION file('${q(b)}', Parquet) SELECT * FROM t SETTINGS
      output_format_parquet_compression_method = '${codec}', max_threads = ${threads}`);
    const seconds = (performance.now() - t0) / 1000;
    const rows = Number(session.query('SELECT count() FROM t', 'CSV').trim());
    console.log(JSON.stringify({ rows, seconds, rows_per_s: Math.round(rows / seconds),
      file_bytes: statSync(b).size, peak_rss_kb: maxRss() }));
  } else if (mode === 'read') {
    const cols = session.query(`DESCRIBE file('${q(a)}', Parquet)`, 'TSV').trim().split('\n')
      .map((line) => line.split('\t')[0]);
    const sql = `SELECT count(), ${cols.map((c) => `min(\`${c}\`)`).join(', ')}
      FROM file('${q(a)}', Parquet) SETTINGS max_threads = ${threads}`;
    const t0 = performance.now();
    const rows = Number(session.query(sql, 'CSV').split(',')[0]);
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ rows, seconds, rows_per_s: Math.round(rows / seconds),
      peak_rss_kb: maxRss() }));
  } else {
    console.error('usage: node chdb.mjs write SRC OUT CODEC | read FILE');
    process.exitCode = 2;
  }
} finally {
  session.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
