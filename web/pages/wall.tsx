// Wall screen (/wall): kiosk mode for a 16:9 operations wall. Rotates through the URL's playlist
// (see lib/playlist.ts), refreshes every 30 s, jumps to a subsystem whose headline KPI turned red, keeps the
// last good picture when the API is unreachable (saying since when) and recovers by itself.
// A wall device opens /wall?device=<token> once: the token is exchanged for a long-lived HttpOnly cookie and
// taken out of the address; the device's playlist applies when the URL names no slides. A wall without a valid
// device (or user) in production, or whose device was revoked, shows a full-screen notice, never a sign-in page.
// Test hooks: data-slide on the slide root, data-testid="tile" | "clock" | "offline" | "alarm" | "asof" |
// "wall-refused".
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { periodLabel } from '../../common/period.ts';
import { preloadMap } from '../components/map-panel.tsx';
import { StaleBadge } from '../components/status.tsx';
import { DemoBadge } from '../components/user-menu.tsx';
import { WallClock } from '../components/wall-clock.tsx';
import { OverviewSlide, preloadCharts, SubsystemSlide } from '../components/wall-slides.tsx';
import { newlyBad, statusSnapshot } from '../lib/alerts.ts';
import { ApiError } from '../lib/api.ts';
import { readFilters } from '../lib/filters.ts';
import { useToday } from '../lib/hooks.ts';
import { useI18n } from '../lib/i18n.ts';
import { DEFAULT_MAP_KPI } from '../lib/kpi.ts';
import { parsePlaylist, type Slide, startIndex } from '../lib/playlist.ts';
import { feedsOptions, registryOptions, subsystemsOptions, unitsOptions } from '../lib/queries.ts';
import { clampToScope } from '../lib/scope.ts';
import {
  meOptions,
  pairDevice,
  type ScopeAssignment,
  setDeviceRefused,
  useDeviceRefused,
} from '../lib/session.ts';
import { indexUnits } from '../lib/units.ts';
import { prefetchSlide } from '../lib/wall.ts';
import './wall.css';

interface Alarm {
  subsystem: string;
  kpi: string;
}

interface WallState {
  pos: number;
  alarm: Alarm | null;
  /** Bumped on every advance: restarts the slide timer and the progress bar even on a one-slide playlist. */
  epoch: number;
}

type Action = { type: 'next'; alarm: Alarm | null } | { type: 'prev' } | { type: 'goto'; pos: number };

function reducer(s: WallState, a: Action): WallState {
  switch (a.type) {
    case 'next':
      // An alarm slide is inserted; after it the playlist resumes where it was.
      if (a.alarm) return { pos: s.pos, alarm: a.alarm, epoch: s.epoch + 1 };
      return { pos: s.pos + 1, alarm: null, epoch: s.epoch + 1 };
    case 'prev':
      return { pos: Math.max(0, s.pos - 1), alarm: null, epoch: s.epoch + 1 };
    case 'goto':
      return { pos: a.pos, alarm: null, epoch: s.epoch + 1 };
  }
}

/** The wall's own query merged over a device's playlist (used when the URL names no slides). */
export function withPlaylist(params: URLSearchParams, playlist: string | null | undefined): URLSearchParams {
  if (!playlist || params.has('slides')) return params;
  const merged = new URLSearchParams(playlist);
  for (const [k, v] of params) merged.set(k, v);
  return merged;
}

export default function WallPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const refused = useDeviceRefused();
  const token = params.get('device');
  const [pairing, setPairing] = useState(!!token);
  const pairedPlaylist = useRef<string | null>(null);

  // Exchange the token once, then take it out of the address (and of the browser history).
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the token the page was opened with
  useEffect(() => {
    if (!token) return;
    let live = true;
    void (async () => {
      try {
        const r = await pairDevice(token);
        pairedPlaylist.current = r.playlist;
        setDeviceRefused(false);
        await qc.invalidateQueries({ queryKey: ['me'] });
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setDeviceRefused(true);
      }
      if (!live) return;
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.delete('device');
          return next;
        },
        { replace: true },
      );
      setPairing(false);
    })();
    return () => {
      live = false;
    };
  }, []);

  const me = useQuery({ ...meOptions(), enabled: !pairing });
  const principal = me.data?.principal;
  const noOne = me.data?.mode === 'production' && !me.data.signedIn;
  if (refused || noOne)
    return (
      <div className="wall-refused" data-testid="wall-refused" role="alert">
        <p>{t('wall.refused')}</p>
      </div>
    );
  // Until we know whose wall this is (its playlist, its scope); a wall reloaded offline goes on with its URL.
  if (pairing || (me.isPending && !me.isError))
    return <div className="wall-loading">{t('wall.pairing')}</div>;
  const playlist =
    pairedPlaylist.current ?? (principal?.kind === 'device' ? principal.playlist : null) ?? null;
  return <WallScreen params={withPlaylist(params, playlist)} scope={principal?.scope ?? null} />;
}

function WallScreen({ params, scope }: { params: URLSearchParams; scope: ScopeAssignment | null }) {
  const { t, fmt, name, lang } = useI18n();
  const qc = useQueryClient();
  const today = useToday();
  const key = params.toString();

  // The wall cannot give up: until the registry and the units have arrived, ask again every 15 s.
  const untilLoaded = {
    retry: 3,
    refetchInterval: (q: { state: { data: unknown } }) => (q.state.data ? false : 15_000),
  } as const;
  const registry = useQuery({ ...registryOptions(), ...untilLoaded });
  const units = useQuery({ ...unitsOptions(), ...untilLoaded });
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);
  const ids = registry.data?.subsystems.map((s) => s.id);
  const idsKey = ids?.join(',');
  // A scoped device's slides stay inside its scope (the server would refuse anything else).
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the string forms of params and ids
  const slides = useMemo(
    () =>
      parsePlaylist(params, ids, today).map((s) => ({
        ...s,
        filters: clampToScope(s.filters, scope, index),
      })),
    [key, idsKey, today, scope, index],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the string form of params
  const globalFilters = useMemo(
    () => clampToScope(readFilters(params, today), scope, index),
    [key, today, scope, index],
  );
  const mapKpi = params.get('mapKpi') ?? DEFAULT_MAP_KPI;

  // The sentinel: the whole-province picture, refreshed every 30 s; it drives the as-of time, the alarms and
  // the offline warning.
  const sentinel = useQuery(subsystemsOptions(globalFilters, true));
  const feeds = useQuery(feedsOptions(true));

  const [state, dispatch] = useReducer(reducer, { pos: 0, alarm: null, epoch: 0 });
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !registry.data) return;
    started.current = true;
    dispatch({ type: 'goto', pos: startIndex(params, slides) });
  }, [registry.data, params, slides]);

  const current: Slide = state.alarm
    ? {
        id: state.alarm.subsystem,
        key: `alarm:${state.alarm.subsystem}`,
        seconds: slides[0].seconds,
        filters: globalFilters,
      }
    : slides[state.pos % slides.length];
  const next = slides[(state.pos + 1) % slides.length];

  // Alarm override: a headline KPI that turned bad since the previous refresh is shown next.
  const queue = useRef<Alarm[]>([]);
  const previous = useRef<ReturnType<typeof statusSnapshot> | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per successful refresh
  useEffect(() => {
    const subs = sentinel.data?.subsystems;
    if (!subs || sentinel.isPlaceholderData) return;
    if (previous.current) {
      for (const a of newlyBad(previous.current, subs)) {
        if (!queue.current.some((q) => q.subsystem === a.subsystem)) queue.current.push(a);
      }
    }
    previous.current = statusSnapshot(subs);
  }, [sentinel.dataUpdatedAt]);

  // The slide timer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: restarts on every advance (epoch)
  useEffect(() => {
    const h = setTimeout(
      () => dispatch({ type: 'next', alarm: queue.current.shift() ?? null }),
      current.seconds * 1000,
    );
    return () => clearTimeout(h);
  }, [state.epoch, current.seconds]);

  // Keyboard for whoever stands at the wall with a remote: ← → to move.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight' || e.key === 'PageDown') dispatch({ type: 'next', alarm: null });
      if (e.key === 'ArrowLeft' || e.key === 'PageUp') dispatch({ type: 'prev' });
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  // Kiosk page: no scrollbars, dark, no cursor; everything the slides need fetched while the network is up.
  useEffect(() => {
    document.documentElement.classList.add('kiosk');
    preloadMap();
    preloadCharts();
    return () => document.documentElement.classList.remove('kiosk');
  }, []);

  // Fetch every slide once at start (so the wall can show each of them while offline), then warm the next
  // slide before it appears.
  const warmed = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the registry and units are in
  useEffect(() => {
    const reg = registry.data;
    if (warmed.current || !reg || !index.province) return;
    warmed.current = true;
    void (async () => {
      for (const s of slides) await prefetchSlide(qc, s, reg, index, mapKpi);
    })();
  }, [registry.data, index.province]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per advance
  useEffect(() => {
    if (registry.data && index.province && state.epoch > 0)
      void prefetchSlide(qc, next, registry.data, index, mapKpi);
  }, [state.epoch]);

  const slideData = useQuery(subsystemsOptions(current.filters, true));
  const summaries = slideData.data?.subsystems ?? sentinel.data?.subsystems;
  const summary = summaries?.find((s) => s.id === current.id);
  const asOf =
    sentinel.data?.subsystems
      .map((s) => s.asOf)
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null;
  const offline = (sentinel.isError || feeds.isError) && sentinel.data !== undefined;
  const alarmSubsystems = new Set(
    state.alarm ? [state.alarm.subsystem] : queue.current.map((q) => q.subsystem),
  );
  const unitName = current.filters.unit ? index.byCode.get(current.filters.unit)?.name : undefined;
  const alarmDef = state.alarm ? registry.data?.kpis.find((k) => k.id === state.alarm?.kpi) : undefined;

  return (
    <div className="wall" lang={lang}>
      <header className="wall-header">
        <div className="wall-title">
          <span className="brand-mark" aria-hidden="true">
            IOC
          </span>
          <div>
            <h1>{current.id === 'overview' ? t('app.title') : summary ? name(summary.name) : '…'}</h1>
            <p className="wall-sub">
              {periodLabel(lang, current.filters.period, today)}
              {' · '}
              {unitName ?? index.province?.name ?? ''}
              {current.id !== 'overview' && summary && <StaleBadge stale={summary.stale} />}
              <DemoBadge className="wall-demo" />
            </p>
          </div>
        </div>
        <div className="wall-meta">
          {offline ? (
            <div className="wall-offline" data-testid="offline" role="alert">
              {t('wall.offline')} {fmt.time(new Date(sentinel.dataUpdatedAt))}
            </div>
          ) : (
            asOf && (
              <div className="wall-asof" data-testid="asof">
                {t('kpi.asOf')} {fmt.dateTime(asOf)}
              </div>
            )
          )}
          <WallClock />
        </div>
      </header>
      {state.alarm && (
        <div className="wall-alarm" data-testid="alarm" role="alert">
          {t('wall.alarm')}: {alarmDef ? name(alarmDef.name) : state.alarm.kpi}
        </div>
      )}
      <main
        key={`${current.key}:${state.epoch}`}
        className="wall-slide"
        data-slide={current.id}
        data-slide-key={current.key}
        data-alarm={state.alarm ? 'true' : undefined}
      >
        {!sentinel.data && !slideData.data ? (
          <div className="wall-loading">
            {sentinel.isError ? (
              <span className="wall-offline" data-testid="offline">
                {t('wall.offline')} —
              </span>
            ) : (
              t('wall.loading')
            )}
          </div>
        ) : current.id === 'overview' ? (
          <OverviewSlide
            subsystems={summaries}
            feeds={feeds.data}
            registry={registry.data}
            units={index}
            filters={current.filters}
            mapKpi={mapKpi}
            alarmSubsystems={alarmSubsystems}
          />
        ) : (
          <SubsystemSlide
            summary={summary}
            registry={registry.data}
            units={index}
            filters={current.filters}
            alarmKpi={state.alarm?.kpi}
          />
        )}
      </main>
      <footer className="wall-footer">
        <ol className="wall-dots" aria-hidden="true">
          {slides.map((s, i) => (
            <li key={s.key} className={!state.alarm && i === state.pos % slides.length ? 'on' : undefined} />
          ))}
        </ol>
        <div
          className="wall-progress"
          key={state.epoch}
          style={{ animationDuration: `${current.seconds}s` }}
        />
      </footer>
    </div>
  );
}
