// Showcase store for screenshots: the real merged province (import:units) with synthetic dossiers 2024 → today.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
const SHARED = '/work/shared/units-2025';
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'merged-'));
const ref = join(dir, 'reference');
mkdirSync(ref, { recursive: true });
mkdirSync(join(dir, 'feeds', 'dossiers'), { recursive: true });
const w = (name: string, text: string) => writeFileSync(join(ref, name), text);
w('units.csv', 'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon\n25,Tỉnh Phú Thọ,province,,tỉnh,,,21.3,105.2\n');
w('agencies.csv', 'code,name,unit_code,kind,sector\nSNV,Sở Nội vụ,25,department,noi_vu\nSTP,Sở Tư pháp,25,department,tu_phap\n');
w('procedures.csv', 'code,name,sector,level,service_level,has_fee,synced_national\n1.001,Đăng ký khai sinh,tu_phap,commune,full_online,false,true\n1.002,Chứng thực bản sao,tu_phap,commune,partial_online,true,true\n');
w('indicators.csv', 'code,name_vi,name_en,subsystem,unit,aggregation,frequency,reporting_level,due_days,direction\n');
console.log(execFileSync('node', ['--import', 'tsx', 'server/cli/import-units.ts', SHARED, '--reference', ref], { encoding: 'utf8' }).split('\n').slice(0, 3).join('\n'));
// Dossiers: before 1/7/2025 in the 479 former communes, after it in the 148; ~2 % late before, ~13 % after.
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`SET TimeZone = 'UTC'`);
await c.run(`CREATE TABLE fo AS SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM read_csv('${SHARED}/communes-before-2025.csv', all_varchar = true)`);
await c.run(`CREATE TABLE nw AS SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM read_csv('${SHARED}/communes-2025.csv', all_varchar = true)`);
await c.run(`CREATE TABLE d AS SELECT i, TIMESTAMPTZ '2024-01-01 01:00:00+00' + to_minutes(CAST(i * 2.9 AS BIGINT)) AS recv FROM range(0, 520000) t(i)`);
await c.run(`COPY (SELECT 'M' || i AS id, CASE WHEN i % 3 = 0 THEN '1.002' ELSE '1.001' END AS procedure_code,
    CASE WHEN i % 2 = 0 THEN 'STP' ELSE 'SNV' END AS agency_code,
    CASE WHEN recv < TIMESTAMPTZ '2025-06-30 17:00:00+00' THEN fo.code ELSE nw.code END AS unit_code,
    CASE WHEN i % 4 = 0 THEN 'counter' ELSE 'online' END AS channel, recv AS received_at,
    recv + INTERVAL 5 DAY AS due_at,
    CASE WHEN recv + INTERVAL 9 DAY < now() THEN 'completed' ELSE 'processing' END AS status,
    CASE WHEN recv + INTERVAL 9 DAY < now() THEN recv + INTERVAL 1 DAY * (CASE WHEN hash(i * 7) % 100 < (CASE WHEN recv < TIMESTAMPTZ '2025-06-30 17:00:00+00' THEN 2 ELSE 8 + hash(i) % 13 END) THEN 8 ELSE 3 END) END AS completed_at
  FROM d JOIN fo ON fo.k = hash(i) % 479 JOIN nw ON nw.k = hash(i * 31) % 148 WHERE recv < now()) TO '${dir}/feeds/dossiers/dossiers.parquet' (FORMAT parquet)`);
c.closeSync(); inst.closeSync();
console.log(dir);
