// run.mjs — bench/load: `tarn load` against DuckDB turning the same Envoy NDJSON into
// Parquet, same machine, same run. `make bench` (or `node bench/load/run.mjs` after `make`
// and `cd bench && npm ci`).
//
// Data: `tarn gen envoy --events EVENTS` (default 2,000,000; deterministic) written once to
// bench/out/load.jsonl. Measured, each REPEAT times (default 3) in fresh processes under
// build/rss_run (wall time and peak RSS of the whole process tree), best time kept:
//   tarn file   tarn load --data <fresh dir> load.jsonl   (parse, normalize, partitioned
//               Parquet files, Iceberg commit of the table and _rejected)
//   tarn pipe   tarn gen envoy --events N | tarn load -   (the pipeline; includes
//               generating the JSON)
//   duckdb      read_json(load.jsonl) + COPY TO one zstd Parquet file
// The ratios are DuckDB's wall time, CPU time (user + system of the process tree: the
// fair measure when the machine is shared) and peak memory over tarn's file load (above 1:
// tarn is faster / smaller).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const build = resolve(process.env.TARN_BUILD || join(root, 'build'));
const out = join(root, 'bench/out');
mkdirSync(out, { recursive: true });
const EVENTS = process.env.EVENTS || '2000000';
const REPEAT = Number(process.env.REPEAT || 3);
const tarn = join(build, 'tarn');
const rssRun = join(build, 'rss_run');
const input = join(out, 'load.jsonl');

execFileSync('sh', ['-c', `"${tarn}" gen envoy --events ${EVENTS} --days 7 > "${input}"`]);
const inputMb = statSync(input).size / 1e6;

function measure(name, args) {
  let keep = null;
  for (let i = 0; i < REPEAT; i++) {
    const lake = join(out, `load-lake-${name}`);
    rmSync(lake, { recursive: true, force: true });
    const r = JSON.parse(execFileSync(rssRun, args(lake), { encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    if (r.status !== 0) throw new Error(`${name} failed with status ${r.status}`);
    if (!keep || r.seconds < keep.seconds) keep = r;
  }
  return keep;
}

const results = {
  'tarn file': measure('file', (lake) => [tarn, 'load', '--data', lake, input]),
  'tarn pipe': measure('pipe', (lake) => ['sh', '-c',
    `"${tarn}" gen envoy --events ${EVENTS} --days 7 | "${tarn}" load --data "${lake}" -`]),
  duckdb: measure('duckdb', () => [process.execPath, join(here, 'duck_load.mjs'), input,
    join(out, 'load-duckdb.parquet')]),
};
console.log(`bench/load: ${EVENTS} Envoy JSON lines (${inputMb.toFixed(0)} MB), best of ${REPEAT}`);
console.log('system      seconds   rows/s      MB/s   cpu s   peak MiB');
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(10)} ${r.seconds.toFixed(2).padStart(8)} ${(Number(EVENTS) / r.seconds / 1e6).toFixed(2).padStart(6)} M ${(inputMb / r.seconds).toFixed(0).padStart(7)} ${r.cpu_seconds.toFixed(2).padStart(7)} ${(r.peak_rss_kb / 1024).toFixed(0).padStart(9)}`);
}
const t = results['tarn file'], d = results.duckdb;
console.log(`ratio (DuckDB / tarn): wall time ${(d.seconds / t.seconds).toFixed(2)}x, ` +
  `CPU time ${(d.cpu_seconds / t.cpu_seconds).toFixed(2)}x, ` +
  `peak memory ${(d.peak_rss_kb / t.peak_rss_kb).toFixed(2)}x`);
