// iceberg_readers_read_tarn.test.mjs — independent readers read the Iceberg tables
// `tarn load` writes:
//   - icebird (an Iceberg reader in JS) reads analytics.httproute_raw and must return
//     exactly the loaded rows: every input line's request_id once, with its fields as the
//     Envoy JSON said (checked field by field against the input here);
//   - avsc decodes every manifest list and manifest with Iceberg's schemas (the spec's
//     manifest_file / manifest_entry field ids) as reader schemas; record counts, file
//     paths, partition values and event_time bounds are checked against the data;
//   - DuckDB reads the data files the manifests list and agrees with icebird;
//   - time travel: after a second load, icebird reading the earlier metadata file returns
//     the first load's rows only, the new one both;
//   - analytics._rejected holds the bad lines with source, line number and reason.
// icebird fetches URLs; tarn's locations are file:// URLs, so fetch is given a file://
// handler with HTTP range support (what an object store would answer).
// Env: TARN_BUILD (build dir holding tarn), TARN_TEST_TMP (temp root).
import duckdb from '@duckdb/node-api';
import avro from 'avsc';
import { icebergRead } from 'icebird';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const build = process.env.TARN_BUILD || path.resolve('../../build');
const tarn = path.join(build, 'tarn');
const tmpRoot = process.env.TARN_TEST_TMP || os.tmpdir();
fs.mkdirSync(tmpRoot, { recursive: true });
const dir = fs.mkdtempSync(path.join(tmpRoot, 'iceberg-readers-'));
const data = path.join(dir, 'lake');
let failures = 0;
function check(cond, msg) {
  if (!cond) {
    failures++;
    if (failures <= 40) console.error(`FAIL ${msg}`);
  }
}

// ---- fetch for file:// URLs ---------------------------------------------------------------
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const href = typeof url === 'string' ? url : url.href ?? String(url);
  if (!href.startsWith('file:')) return realFetch(url, init);
  const bytes = fs.readFileSync(fileURLToPath(href));
  const range = new Headers(init.headers).get('Range');
  if (!range) return new Response(bytes, { status: 200 });
  const m = /bytes=(\d+)-(\d*)/.exec(range);
  const start = Number(m[1]);
  const end = m[2] === '' ? bytes.length : Number(m[2]) + 1;
  return new Response(bytes.subarray(start, end), { status: 206 });
};

// ---- generate, corrupt a few lines, load ----------------------------------------------------
const genFile = path.join(dir, 'day1.jsonl');
execFileSync('sh', ['-c', `"${tarn}" gen envoy --events 6000 --days 2 --seed 11 > "${genFile}"`]);
const good1 = fs.readFileSync(genFile, 'utf8').split('\n').filter(l => l);
const badLines = ['{"start_time": "not a time", "method": "GET"}', 'garbage line', '{"truncated":'];
fs.writeFileSync(genFile, [good1.slice(0, 100).join('\n'), badLines[0], good1.slice(100, 3000).join('\n'),
  badLines[1], good1.slice(3000).join('\n'), badLines[2]].join('\n') + '\n');
const out1 = execFileSync(tarn, ['load', '--data', data, genFile], { encoding: 'utf8' });
check(/^loaded 6000 rows into analytics\.httproute_raw \(3 rejected\) in [0-9.]+ s$/m.test(out1),
  `load output: ${out1}`);

const tables = () => JSON.parse(fs.readFileSync(path.join(data, 'catalog', 'tables.json'), 'utf8')).tables;
const loc1 = tables()['analytics.httproute_raw'];
const tableUrl = 'file://' + path.join(fs.realpathSync(data), 'warehouse', 'analytics', 'httproute_raw');

// ---- icebird returns exactly the loaded rows ------------------------------------------------
function expectedRow(line) {
  const j = JSON.parse(line);
  const num = v => (v === null || v === undefined || v === '-' || v === '' ? null : Number(v));
  const str = v => (v === null || v === undefined || v === '-' ? null : String(v));
  return {
    event_time: Date.parse(j.start_time),
    method: str(j.method), path: str(j['x-envoy-origin-path']), protocol: str(j.protocol),
    response_code: num(j.response_code), response_flags: str(j.response_flags),
    bytes_received: num(j.bytes_received), bytes_sent: num(j.bytes_sent),
    response_time_ms: num(j.duration), upstream_service_time_ms: num(j['x-envoy-upstream-service-time']),
    user_agent: str(j['user-agent']), authority: str(j[':authority']),
    upstream_cluster: str(j.upstream_cluster), route_name: str(j.route_name),
  };
}
const norm = v => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v ?? null);

async function readTable(metadataLocation, url = tableUrl) {
  return icebergRead({ tableUrl: url, metadataFileName: path.basename(metadataLocation) });
}
const rows1 = await readTable(loc1);
check(rows1.length === 6000, `icebird read ${rows1.length} rows, want 6000`);
const byId = new Map(rows1.map(r => [r.request_id, r]));
check(byId.size === 6000, `request ids: ${byId.size} distinct`);
let compared = 0;
for (const line of good1) {
  const want = expectedRow(line);
  const got = byId.get(JSON.parse(line)['x-request-id']);
  if (!got) { check(false, `row for ${line.slice(0, 80)} missing`); continue; }
  for (const [k, v] of Object.entries(want)) {
    const g = norm(got[k]);
    // event_time: icebird gives a Date (ms) or µs bigint depending on version
    const gv = k === 'event_time' && typeof got[k] === 'bigint' ? Number(got[k] / 1000n) : g;
    check(gv === v, `${k}: got ${gv}, want ${v} (request ${JSON.parse(line)['x-request-id']})`);
    compared++;
  }
  const ns = got.route_namespace, rn = got.route;
  const m = /^httproute\/([^/]+)\/([^/]+)\//.exec(JSON.parse(line).route_name ?? '');
  check((m ? m[1] : null) === (ns ?? null) && (m ? m[2] : null) === (rn ?? null),
    `route parse of ${JSON.parse(line).route_name}: ${ns}/${rn}`);
}

// ---- avsc decodes the manifests with Iceberg's schemas ----------------------------------------
const fieldSummary = { type: 'record', name: 'r508', fields: [
  { name: 'contains_null', type: 'boolean', 'field-id': 509 },
  { name: 'contains_nan', type: ['null', 'boolean'], default: null, 'field-id': 518 },
  { name: 'lower_bound', type: ['null', 'bytes'], default: null, 'field-id': 510 },
  { name: 'upper_bound', type: ['null', 'bytes'], default: null, 'field-id': 511 }] };
const manifestFile = { type: 'record', name: 'manifest_file', fields: [
  { name: 'manifest_path', type: 'string' }, { name: 'manifest_length', type: 'long' },
  { name: 'partition_spec_id', type: 'int' }, { name: 'content', type: 'int' },
  { name: 'sequence_number', type: 'long' }, { name: 'min_sequence_number', type: 'long' },
  { name: 'added_snapshot_id', type: 'long' }, { name: 'added_files_count', type: 'int' },
  { name: 'existing_files_count', type: 'int' }, { name: 'deleted_files_count', type: 'int' },
  { name: 'added_rows_count', type: 'long' }, { name: 'existing_rows_count', type: 'long' },
  { name: 'deleted_rows_count', type: 'long' },
  { name: 'partitions', type: ['null', { type: 'array', items: fieldSummary }], default: null }] };
const kv = (name, v) => ({ type: 'array', items: { type: 'record', name, fields: [
  { name: 'key', type: 'int' }, { name: 'value', type: v }] } });
const manifestEntry = (partitionFields) => ({ type: 'record', name: 'manifest_entry', fields: [
  { name: 'status', type: 'int' },
  { name: 'snapshot_id', type: ['null', 'long'], default: null },
  { name: 'sequence_number', type: ['null', 'long'], default: null },
  { name: 'file_sequence_number', type: ['null', 'long'], default: null },
  { name: 'data_file', type: { type: 'record', name: 'r2', fields: [
    { name: 'content', type: 'int' }, { name: 'file_path', type: 'string' },
    { name: 'file_format', type: 'string' },
    { name: 'partition', type: { type: 'record', name: 'r102', fields: partitionFields } },
    { name: 'record_count', type: 'long' }, { name: 'file_size_in_bytes', type: 'long' },
    { name: 'column_sizes', type: ['null', kv('k117_v118', 'long')], default: null },
    { name: 'value_counts', type: ['null', kv('k119_v120', 'long')], default: null },
    { name: 'null_value_counts', type: ['null', kv('k121_v122', 'long')], default: null },
    { name: 'nan_value_counts', type: ['null', kv('k138_v139', 'long')], default: null },
    { name: 'lower_bounds', type: ['null', kv('k126_v127', 'bytes')], default: null },
    { name: 'upper_bounds', type: ['null', kv('k129_v130', 'bytes')], default: null },
    { name: 'split_offsets', type: ['null', { type: 'array', items: 'long' }], default: null },
    { name: 'sort_order_id', type: ['null', 'int'], default: null }] } }] });

// Iceberg ids are 63-bit: longs decode as BigInt (avsc's documented custom long type)
const bigLong = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; },
  fromJSON: BigInt, toJSON: Number, isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});
const withBigLongs = (schema) => avro.Type.forSchema(schema, { registry: { long: bigLong } });
function decodeAll(file, readerSchema) {
  return new Promise((resolve, reject) => {
    const records = [];
    let header;
    avro.createFileDecoder(fileURLToPath(file), { readerSchema: withBigLongs(readerSchema),
      parseHook: withBigLongs })
      .on('metadata', (type, codec, h) => { header = h.meta; })
      .on('data', r => records.push(r)).on('end', () => resolve({ records, header }))
      .on('error', reject);
  });
}
const meta1 = JSON.parse(fs.readFileSync(fileURLToPath(loc1), 'utf8'));
const snap1 = meta1.snapshots.find(s => s['snapshot-id'] === meta1['current-snapshot-id']);
check(snap1.summary.operation === 'append' && snap1.summary['added-records'] === '6000' &&
  snap1.summary['total-records'] === '6000' && snap1.summary['tarn.sources'] === genFile,
  `summary ${JSON.stringify(snap1.summary)}`);
const list = await decodeAll(snap1['manifest-list'], manifestFile);
let listedRows = 0, dataFiles = [];
const dayOf = ms => Math.floor(ms / 86400000);
const days = new Set(good1.map(l => dayOf(Date.parse(JSON.parse(l).start_time))));
for (const m of list.records) {
  check(m.partition_spec_id === 0 && m.content === 0, 'manifest spec/content');
  const entries = await decodeAll(m.manifest_path, manifestEntry([
    { name: 'event_time_day', type: ['null', { type: 'int', logicalType: 'date' }], default: null }]));
  check(entries.header['partition-spec-id'].toString() === '0' &&
    entries.header['format-version'].toString() === '2' && entries.header.content.toString() === 'data' &&
    JSON.parse(entries.header.schema.toString()).fields.length === 20, 'manifest header keys');
  for (const e of entries.records) {
    check(e.status === 1 && e.data_file.file_format === 'PARQUET'.toLowerCase(), 'entry status/format');
    listedRows += Number(e.data_file.record_count);
    dataFiles.push(e.data_file);
    const day = e.data_file.partition.event_time_day;
    check(days.has(day), `partition day ${day} not among the input's days`);
    const lo = e.data_file.lower_bounds.find(x => x.key === 1).value.readBigInt64LE(0);
    const hi = e.data_file.upper_bounds.find(x => x.key === 1).value.readBigInt64LE(0);
    check(dayOf(Number(lo / 1000n)) === day && dayOf(Number(hi / 1000n)) === day,
      `event_time bounds ${lo}..${hi} outside day ${day}`);
    check(fs.statSync(fileURLToPath(e.data_file.file_path)).size === Number(e.data_file.file_size_in_bytes),
      'file_size_in_bytes');
  }
  check(Number(m.added_rows_count) === entries.records.reduce((a, e) => a + Number(e.data_file.record_count), 0),
    'added_rows_count');
}
check(listedRows === 6000, `manifests list ${listedRows} rows`);
check(dataFiles.length === days.size, `${dataFiles.length} files for ${days.size} days`);

// ---- DuckDB reads the data files ---------------------------------------------------------------
const inst = await duckdb.DuckDBInstance.create(':memory:');
const con = await inst.connect();
const fileList = dataFiles.map(f => `'${fileURLToPath(f.file_path)}'`).join(',');
const duck = (await con.runAndReadAll(`SELECT count(*)::BIGINT AS n, sum(bytes_sent)::BIGINT AS s,
  count(DISTINCT request_id)::BIGINT AS ids FROM read_parquet([${fileList}])`)).getRowObjectsJson()[0];
const iceSum = rows1.reduce((a, r) => a + Number(r.bytes_sent ?? 0), 0);
check(Number(duck.n) === 6000 && Number(duck.ids) === 6000 && Number(duck.s) === iceSum,
  `duckdb ${JSON.stringify(duck)} vs icebird sum ${iceSum}`);

// ---- rejects ---------------------------------------------------------------------------------
const rejLoc = tables()['analytics._rejected'];
const rejected = await readTable(rejLoc, 'file://' + path.join(fs.realpathSync(data), 'warehouse', 'analytics', '_rejected'));
check(rejected.length === 3, `${rejected.length} rejected rows`);
const lines = rejected.map(r => Number(r.line)).sort((a, b) => a - b);
check(JSON.stringify(lines) === JSON.stringify([101, 3002, 6003]), `reject lines ${lines}`);
for (const r of rejected) {
  check(r.source === genFile && badLines.includes(r.raw) && r.reason.length > 5,
    `reject row ${JSON.stringify(r, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

// ---- a second load, then time travel -------------------------------------------------------------
const genFile2 = path.join(dir, 'day3.jsonl');
execFileSync('sh', ['-c', `"${tarn}" gen envoy --events 2500 --days 1 --start 2026-11-05T00:00:00Z --seed 12 > "${genFile2}"`]);
// two lines in Envoy's default text format join the JSON lines (detected per line)
fs.appendFileSync(genFile2,
  '[2026-11-05T10:00:00.123Z] "GET /text/one HTTP/1.1" 200 - 10 20 30 25 "10.1.2.3, 10.9.9.9" "curl/8.0" "text-req-1" "example.com" "10.0.0.5:80"\n' +
  '[2026-11-05T10:00:01.000Z] "POST /text/two HTTP/2" 503 UF 5 0 7 - "-" "Go-http-client/2.0" "text-req-2" "api.example.com" "-"\n');
const out2 = execFileSync(tarn, ['load', '--data', data, genFile2], { encoding: 'utf8' });
check(/^loaded 2502 rows into analytics\.httproute_raw \(0 rejected\)/m.test(out2), `second load: ${out2}`);
const loc2 = tables()['analytics.httproute_raw'];
check(loc2 !== loc1, 'the second load made a new metadata version');
const before = await readTable(loc1);
const after = await readTable(loc2);
check(before.length === 6000, `time travel to version 1: ${before.length} rows`);
check(after.length === 8502, `current version: ${after.length} rows`);
const text1 = after.find(r => r.request_id === 'text-req-1');
const text2 = after.find(r => r.request_id === 'text-req-2');
check(text1 && text1.method === 'GET' && text1.path === '/text/one' && text1.response_code === 200 &&
  norm(text1.bytes_received) === 10 && norm(text1.bytes_sent) === 20 && text1.response_time_ms === 30 &&
  text1.upstream_service_time_ms === 25 && text1.client_ip === '10.1.2.3' &&
  text1.authority === 'example.com' && text1.upstream_host === '10.0.0.5:80' && text1.route_name == null,
  `text line 1: ${JSON.stringify(text1, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
check(text2 && text2.response_flags === 'UF' && text2.response_code === 503 &&
  text2.upstream_service_time_ms == null && text2.client_ip == null && text2.upstream_host == null,
  `text line 2: ${JSON.stringify(text2, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
const meta2 = JSON.parse(fs.readFileSync(fileURLToPath(loc2), 'utf8'));
check(meta2.snapshots.length === 2 && meta2['snapshot-log'].length === 2 &&
  meta2['metadata-log'].length === 2 && meta2['last-sequence-number'] === 2,
  'metadata history after two loads');

console.log(`iceberg readers: ${rows1.length} rows via icebird, ${compared} values compared, ` +
  `${list.records.length} manifest(s), ${dataFiles.length} data files, time travel ok`);
console.log(`${failures === 0 ? 1 : 0} passed, ${failures === 0 ? 0 : 1} failed`);
process.exit(failures === 0 ? 0 : 1);
