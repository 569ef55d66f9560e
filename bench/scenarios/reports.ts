/**
 * Citizen reports at scale: 1,000,000 reports (100,000 with --quick) loaded
 * into PostgreSQL in bulk SQL, spread over two years; then 50 concurrent
 * clients over real HTTP (keep-alive, from a generator in a process of its own,
 * so that it never shares the server's event loop) for a fixed time:
 * GET /open311/v2/requests.json with typical queries (the default 90-day
 * window, by service_code, by status; 50 a page), with the answer cache on
 * (as deployed) and off; the default window at the spec's 1,000 records; and
 * POST /open311/v2/requests.json. The raw Fastify trivial route, loaded the
 * same way in the same run, is the reference.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import Fastify from 'fastify';
import { type BenchContext, type Figure, type Scenario } from '../harness.js';
import { freshDb, type BenchDb } from '../support.js';
import { BenchChild } from '../lib/child.js';
import type { HttpLoadResult, HttpReq } from '../lib/http-load.js';
import { sql } from '../../packages/server/src/core/db/sql.js';
import { loadConfig } from '../../packages/server/src/core/config.js';
import { createCityOps } from '../../packages/server/src/main.js';
import { systemActor } from '../../packages/server/src/core/auth/principal.js';

const CONCURRENCY = 50;
const CATEGORIES = [
  'road_damage',
  'street_lighting',
  'waste_sanitation',
  'urban_order',
  'trees_parks',
  'water_drainage',
  'traffic_signals',
  'public_security',
  'noise',
  'other',
];

const AGENCIES = ['UBND-TP-THAI-NGUYEN', 'CTY-MOI-TRUONG', 'DIEN-LUC-TN', 'NUOC-TN', 'CONG-AN-TN'];
const STREETS = ['Hoàng Văn Thụ', 'Lương Ngọc Quyến', 'Quang Trung', 'Phan Đình Phùng', 'Bắc Kạn'];

/**
 * n reports over the last 730 days, in batches of 100,000 INSERT … SELECT,
 * written in the order they were made (as a deployment's table grows: ids and
 * times rise together, the newest rows at the end),
 * filled as the workflow leaves them: a commune and a street address, the
 * channel, verified once past "received", routed to an agency, the answer of
 * an answered or closed one, the reason of a rejected one.
 */
async function loadReports(b: BenchDb, n: number, log: (l: string) => void): Promise<void> {
  const t0 = performance.now();
  const batch = 100_000;
  for (let start = 1; start <= n; start += batch) {
    const end = Math.min(n, start + batch - 1);
    await b.db.query(sql`
      WITH units AS (SELECT array_agg(code ORDER BY code) AS codes FROM admin_units
        WHERE level = 'commune' AND valid_to IS NULL)
      INSERT INTO reports (status, category_code, description, geom, address, admin_unit, channel,
        attributes, routed_agency, deadline_class, due_date, deadline_at, verified_at,
        answer_text, answered_at, answered_on_time, rejection_reason, closed_at,
        search_text, created_at, updated_at)
      SELECT status, category, 'Phản ánh số ' || i || ': ổ gà, rác, đèn đường hỏng trên phố',
        ST_SetSRID(ST_MakePoint(105.80 + random() * 0.1, 21.55 + random() * 0.08), 4326),
        'Số ' || (1 + i % 300) || ' đường ' || (${STREETS}::text[])[1 + i % 5],
        units.codes[1 + i % cardinality(units.codes)],
        (ARRAY['citizen_app', 'citizen_app', 'open311', 'staff'])[1 + i % 4],
        '{}', CASE WHEN status <> 'received' THEN (${AGENCIES}::text[])[1 + i % 5] END,
        'on_the_spot', created::date + 5, created + interval '5 days',
        CASE WHEN status NOT IN ('received', 'rejected') THEN created + interval '2 hours' END,
        CASE WHEN status IN ('answered', 'closed')
          THEN 'Đơn vị đã kiểm tra và xử lý xong tại hiện trường.' END,
        CASE WHEN status IN ('answered', 'closed') THEN LEAST(now(), created + interval '2 days') END,
        CASE WHEN status IN ('answered', 'closed') THEN true END,
        CASE WHEN status = 'rejected' THEN 'Nội dung không phải phản ánh' END,
        CASE WHEN status IN ('closed', 'rejected', 'merged')
          THEN LEAST(now(), created + interval '3 days') END,
        'phan anh so ' || i, created, created + interval '1 hour'
      FROM units, (
        SELECT i, (${CATEGORIES}::text[])[1 + (i % 10)] AS category,
          now() - interval '730 days' + (i - random()) * (interval '730 days' / ${n}::int) AS created,
          (ARRAY['closed','closed','closed','closed','answered','in_progress','assigned',
                 'verified','received','rejected'])[1 + ((i * 7) % 10)] AS status
        FROM generate_series(${start}::int, ${end}::int) i
      ) s
      ORDER BY i`);
  }
  // As a table long in use is: vacuumed (hint bits set, visibility map), so that no
  // autovacuum of the fresh rows runs during the measurements.
  await b.db.exec('VACUUM (ANALYZE) reports');
  log(
    `loaded ${n.toLocaleString('en')} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

type LoadResult = Omit<HttpLoadResult, 'type'>;

/** `CONCURRENCY` clients of the generator sending the requests in turn for `ms`, after a warm-up. */
async function load(
  gen: BenchChild,
  base: string,
  requests: HttpReq[],
  ms: number,
): Promise<LoadResult> {
  return gen.ask<HttpLoadResult>(
    { cmd: 'run', base, requests, concurrency: CONCURRENCY, ms, warmupMs: 1000 },
    'result',
    ms + 120_000,
  );
}

async function startOn(b: BenchDb, cacheMs: number) {
  const config = loadConfig({
    CITYOPS_PORT: '0',
    CITYOPS_MQTT_PORT: '0',
    CITYOPS_LOG_LEVEL: 'silent',
  });
  const cityops = await createCityOps({ config, db: b.db, log: false, open311: { cacheMs } });
  const base = await cityops.listen();
  return { cityops, base };
}

async function trivialReference(gen: BenchChild, ms: number): Promise<LoadResult> {
  const app = Fastify({ logger: false });
  app.get('/', () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  try {
    return await load(gen, `http://127.0.0.1:${port}`, [{ method: 'GET', path: '/' }], ms);
  } finally {
    await app.close();
  }
}

const TYPICAL = [
  '/open311/v2/requests.json?page_size=50',
  '/open311/v2/requests.json?service_code=road_damage&page_size=50',
  '/open311/v2/requests.json?status=open&page_size=50',
];

function figure(
  name: string,
  r: LoadResult,
  target?: { rps?: number; p95?: number },
  note = '',
): Figure[] {
  const extra = `${note}${r.errors ? ` ${r.errors} errors!` : ''} p50 ${r.p50.toFixed(1)} ms, ${(r.bytes / 1024).toFixed(1)} KB/answer; the generator used ${r.cpuSeconds.toFixed(1)} CPU s; load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
  return [
    {
      scenario: 'reports',
      name: `${name}: throughput`,
      value: r.rps,
      unit: 'req/s',
      ...(target?.rps ? { target: { min: target.rps } } : {}),
      on: 'PostgreSQL',
      note: extra.trim(),
    },
    {
      scenario: 'reports',
      name: `${name}: p95`,
      value: r.p95,
      unit: 'ms',
      ...(target?.p95 ? { target: { max: target.p95 } } : {}),
      on: 'PostgreSQL',
    },
  ];
}

async function run(ctx: BenchContext): Promise<Figure[]> {
  if (!ctx.postgresUrl)
    throw new Error('the reports benchmark needs PostgreSQL (CITYOPS_BENCH_DATABASE_URL)');
  const n = ctx.quick ? 100_000 : 1_000_000;
  const ms = ctx.quick ? 5000 : 15_000;
  const b = await freshDb('postgres', ctx.postgresUrl);
  const gen = BenchChild.start('http-load.ts', 'HTTP load generator');
  const figures: Figure[] = [];
  try {
    await loadReports(b, n, (l) => ctx.log(l));
    const trivial = await trivialReference(gen, ms);
    ctx.log(
      `Fastify trivial route: ${trivial.rps.toFixed(0)} req/s, p95 ${trivial.p95.toFixed(1)} ms`,
    );
    figures.push(...figure('Fastify trivial route, same generator (reference)', trivial));
    const ratio = (r: LoadResult) => `${((r.rps / trivial.rps) * 100).toFixed(0)}% of trivial;`;

    for (const cacheMs of [2000, 0]) {
      const app = await startOn(b, cacheMs);
      try {
        const label = cacheMs ? 'answer cache 2 s (as deployed)' : 'no answer cache';
        const get = await load(
          gen,
          app.base,
          TYPICAL.map((path) => ({ method: 'GET', path })),
          ms,
        );
        ctx.log(
          `GET typical (${label}): ${get.rps.toFixed(0)} req/s, p95 ${get.p95.toFixed(1)} ms`,
        );
        figures.push(
          ...figure(
            `GET requests.json, typical queries of ${n.toLocaleString('en')}, ${label}`,
            get,
            { rps: 2000, p95: 50 },
            ratio(get),
          ),
        );
        if (cacheMs === 0) {
          const full = await load(
            gen,
            app.base,
            [{ method: 'GET', path: '/open311/v2/requests.json' }],
            ms,
          );
          figures.push(
            ...figure(
              'GET requests.json, default window at the spec’s 1,000 records, no cache',
              full,
              undefined,
              ratio(full),
            ),
          );
          const key = (
            await app.cityops.people.apiKeys.create(systemActor, {
              name: 'bench',
              scope: 'open311',
            })
          ).key;
          // 9,700 different reports (100 × 97 places), sent in turn.
          const posts = Array.from({ length: 9_700 }, (_, i): HttpReq => ({
            method: 'POST',
            path: '/open311/v2/requests.json',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              api_key: key,
              service_code: 'road_damage',
              lat: String(21.59 + (i % 100) / 10_000),
              long: String(105.84 + (i % 97) / 10_000),
              description: `Ổ gà số ${i}`,
              'attribute[hazard_level]': 'high',
              phone: '0912345678',
            }).toString(),
          }));
          const post = await load(gen, app.base, posts, ms);
          ctx.log(
            `POST requests.json: ${post.rps.toFixed(0)} req/s, p95 ${post.p95.toFixed(1)} ms`,
          );
          figures.push(
            ...figure(
              'POST requests.json (form, API key, audited)',
              post,
              { rps: 500 },
              ratio(post),
            ),
          );
        }
      } finally {
        await app.cityops.close();
      }
    }
    return figures;
  } finally {
    await gen.stop();
    await b.drop();
  }
}

export const reportsScenario: Scenario = {
  name: 'reports',
  description: 'Open311 GET and POST over 1M citizen reports, 50 concurrent clients (PostgreSQL)',
  run,
};
