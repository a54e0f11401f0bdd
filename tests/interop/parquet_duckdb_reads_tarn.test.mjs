// parquet_duckdb_reads_tarn.test.mjs — DuckDB reads Parquet files written by tarn's writer.
//
// For a matrix of codec x encoding x nullability x data page version (plus multi-row-group,
// multi-page, dictionary-fallback and multi-threaded files) this runs tests/tools/pq_gen,
// has DuckDB read every file and compares EVERY value with pq_gen's expected JSONL (values
// are cast to canonical text in SQL; floats are compared numerically with Object.is, so
// -0 and NaN count). It then checks, with parquet_metadata()/parquet_schema()/
// parquet_file_metadata(), that codecs, encodings, field ids, null counts and (for
// single-row-group files) stats min/max are what tarn intended: min/max must equal
// DuckDB's own min()/max() over the data (NaN excluded). Exits non-zero on any mismatch.
// Env: TARN_BUILD (build dir holding pq_gen), TARN_TEST_TMP (temp root).
import duckdb from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const build = process.env.TARN_BUILD || path.resolve('../../build');
const tmpRoot = process.env.TARN_TEST_TMP || os.tmpdir();
fs.mkdirSync(tmpRoot, { recursive: true });
const dir = fs.mkdtempSync(path.join(tmpRoot, 'pq-duckdb-reads-tarn-'));
const gen = path.join(build, 'pq_gen');

const COLS = ['b', 'i32', 'i64', 'f', 'd', 'dec9', 'dec18', 'dec30', 'dt', 'ts', 'tstz',
  's_low', 's_high', 'bin', 'uid', 'fx'];
const FLOATS = new Set(['f', 'd']);
const INTS = new Set(['i32', 'i64', 'dec9', 'dec18', 'dt', 'ts', 'tstz']);
const CODEC_NAME = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD',
  lz4_raw: 'LZ4_RAW' };
const canon = {
  b: 'CAST(b AS VARCHAR)', i32: 'CAST(i32 AS VARCHAR)', i64: 'CAST(i64 AS VARCHAR)',
  f: 'f', d: 'd', dec9: 'CAST(dec9 AS VARCHAR)', dec18: 'CAST(dec18 AS VARCHAR)',
  dec30: 'CAST(dec30 AS VARCHAR)',
  dt: "CAST(date_diff('day', DATE '1970-01-01', dt) AS VARCHAR)",
  ts: 'CAST(epoch_us(ts) AS VARCHAR)', tstz: 'CAST(epoch_us(tstz) AS VARCHAR)',
  s_low: 's_low', s_high: 's_high', bin: 'lower(hex(bin))', uid: 'CAST(uid AS VARCHAR)',
  fx: 'lower(hex(fx))',
};

const inst = await duckdb.DuckDBInstance.create(':memory:');
const con = await inst.connect();
let failures = 0;
let checkedValues = 0;
let files = 0;

function fail(name, msg) {
  failures++;
  if (failures <= 50) console.error(`FAIL ${name}: ${msg}`);
}

async function rowsOf(sql) {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson();
}

function sameFloat(actual, expected) {
  if (expected === 'nan') return Number.isNaN(Number(actual));
  return Object.is(Number(actual), Number.parseFloat(expected));
}

async function checkFile(name, args, want) {
  const file = path.join(dir, `${name}.parquet`);
  const jsonl = path.join(dir, `${name}.jsonl`);
  try {
    execFileSync(gen, [file, jsonl, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    fail(name, `pq_gen failed: ${e.stderr}`);
    return;
  }
  files++;
  const expected = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const sel = COLS.map((c) => `${canon[c]} AS ${c}`).join(', ');
  const r = await con.runAndReadAll(
    `SELECT ${sel} FROM read_parquet('${file}', file_row_number=true) ORDER BY file_row_number`);
  const got = r.getRowObjects();
  if (got.length !== expected.length) fail(name, `rows ${got.length} != ${expected.length}`);
  for (let i = 0; i < Math.min(got.length, expected.length); i++) {
    for (const c of COLS) {
      const e = expected[i][c];
      const a = got[i][c];
      checkedValues++;
      if (e === null || a === null) {
        if (e !== a) fail(name, `row ${i} col ${c}: got ${a} want ${e}`);
      } else if (FLOATS.has(c) ? !sameFloat(a, e) : String(a) !== e) {
        fail(name, `row ${i} col ${c}: got ${JSON.stringify(String(a))} want ${JSON.stringify(e)}`);
      }
    }
  }
  await checkMeta(name, file, expected, want);
}

async function checkMeta(name, file, expected, want) {
  const meta = await rowsOf(`SELECT * FROM parquet_metadata('${file}')`);
  const nRg = new Set(meta.map((m) => m.row_group_id)).size;
  if (want.rowGroups && nRg !== want.rowGroups) fail(name, `row groups ${nRg} != ${want.rowGroups}`);
  if (want.minRowGroups && nRg < want.minRowGroups) fail(name, `row groups ${nRg} < ${want.minRowGroups}`);
  const schema = await rowsOf(`SELECT name, field_id FROM parquet_schema('${file}')`);
  for (const [i, c] of COLS.entries()) {
    const el = schema.find((s) => s.name === c);
    if (!el || String(el.field_id) !== String(i + 1)) fail(name, `field_id of ${c}: ${el && el.field_id}`);
    const chunks = meta.filter((m) => m.path_in_schema === c);
    const nulls = chunks.reduce((s, m) => s + Number(m.stats_null_count), 0);
    const wantNulls = expected.filter((row) => row[c] === null).length;
    if (nulls !== wantNulls) fail(name, `null_count of ${c}: ${nulls} != ${wantNulls}`);
    for (const m of chunks) {
      if (m.compression !== CODEC_NAME[want.codec]) fail(name, `codec of ${c}: ${m.compression}`);
      const encs = m.encodings.split(', ');
      const need = want.encodings(c);
      if (need && !need.every((e) => encs.includes(e))) fail(name, `encodings of ${c}: ${m.encodings}, want ${need}`);
      const never = want.never ? want.never(c) : [];
      if (never.some((e) => encs.includes(e))) fail(name, `encodings of ${c}: ${m.encodings}, must not have ${never}`);
    }
    if (nRg === 1 && wantNulls < expected.length) {
      const notNan = FLOATS.has(c) ? ` WHERE NOT isnan(${c})` : '';
      const [mm] = await rowsOf(`SELECT CAST(min(${c}) AS VARCHAR) lo, CAST(max(${c}) AS VARCHAR) hi FROM read_parquet('${file}')${notNan}`);
      const m = chunks[0];
      if (m.stats_min_value !== mm.lo || m.stats_max_value !== mm.hi) {
        fail(name, `stats of ${c}: [${m.stats_min_value}, ${m.stats_max_value}] want [${mm.lo}, ${mm.hi}]`);
      }
    }
  }
  const [fm] = await rowsOf(`SELECT created_by FROM parquet_file_metadata('${file}')`);
  if (!String(fm.created_by).startsWith('tarn version ')) fail(name, `created_by ${fm.created_by}`);
  const kv = await rowsOf(`SELECT decode(key) k, decode(value) v FROM parquet_kv_metadata('${file}')`);
  if (!kv.some((e) => e.k === 'tarn.test' && e.v === 'pq_gen')) fail(name, 'key-value metadata missing');
}

const INT_COLS = (c) => INTS.has(c);
const encodingWant = {
  auto: () => null,
  plain: (c) => (c === 'b' ? null : ['PLAIN']),
  dictionary: (c) => (c === 'b' ? null : ['RLE_DICTIONARY']),
  delta: (c) => (INT_COLS(c) ? ['DELTA_BINARY_PACKED'] : null),
  bss: (c) => (FLOATS.has(c) ? ['BYTE_STREAM_SPLIT'] : null),
};
const encodingNever = {
  plain: () => ['RLE_DICTIONARY', 'DELTA_BINARY_PACKED'],
  delta: (c) => (INT_COLS(c) ? ['RLE_DICTIONARY'] : []),
};

for (const codec of Object.keys(CODEC_NAME)) {
  for (const enc of Object.keys(encodingWant)) {
    for (const nullable of ['0', '1']) {
      for (const pv of ['1', '2']) {
        const name = `${codec}-${enc}-n${nullable}-v${pv}`;
        await checkFile(name, ['--codec', codec, '--encoding', enc, '--nullable', nullable,
          '--page-version', pv, '--rows', '700', '--seed', String(files + 1)],
        { codec, rowGroups: 1, encodings: encodingWant[enc], never: encodingNever[enc] });
      }
    }
  }
}
// Several row groups, many small pages, a dictionary that fills up mid-chunk, threads.
await checkFile('multi-rg', ['--codec', 'zstd', '--nullable', '1', '--rows', '25000',
  '--row-group-rows', '7000', '--page-bytes', '4096'], { codec: 'zstd', rowGroups: 4,
  encodings: () => null });
await checkFile('multi-page-v2', ['--codec', 'snappy', '--nullable', '1', '--page-version', '2',
  '--rows', '30000', '--page-bytes', '2048'], { codec: 'snappy', rowGroups: 1,
  encodings: () => null });
await checkFile('dict-fallback', ['--codec', 'zstd', '--nullable', '1', '--rows', '5000',
  '--dict-bytes', '2000'], { codec: 'zstd', rowGroups: 1,
  encodings: (c) => (c === 'dt' ? ['RLE_DICTIONARY', 'DELTA_BINARY_PACKED'] : null) });
await checkFile('threads', ['--codec', 'zstd', '--nullable', '1', '--rows', '40000',
  '--row-group-rows', '15000', '--threads', '2'], { codec: 'zstd', rowGroups: 3,
  encodings: () => null });
await checkFile('crc', ['--codec', 'zstd', '--nullable', '1', '--rows', '3000', '--crc', '1',
  '--page-bytes', '4096'], { codec: 'zstd', rowGroups: 1, encodings: () => null });
// All-NULL pages (v1 and v2, every codec that frames its output): null counts and chunk
// stats must skip them, and v2 pages with an empty values section must still read.
for (const [codec, pv] of [['snappy', '2'], ['gzip', '2'], ['zstd', '1'], ['lz4_raw', '2']]) {
  await checkFile(`null-pages-${codec}-v${pv}`, ['--codec', codec, '--nullable', '1',
    '--page-version', pv, '--rows', '3000', '--null-block', '500', '--page-bytes', '512'],
  { codec, rowGroups: 1, encodings: () => null });
}
await checkFile('one-row', ['--codec', 'gzip', '--nullable', '1', '--rows', '1'],
  { codec: 'gzip', rowGroups: 1, encodings: () => null });

console.log(`parquet_duckdb_reads_tarn: ${files} files, ${checkedValues} values checked, ${failures} failures`);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
