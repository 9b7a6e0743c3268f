// The province choropleth (Leaflet): unit shapes from our own API, coloured by quantile class, "no data"
// hatched, optional name labels, click to drill. Offline by default: no tile layer unless a URL is configured.
// Loaded lazily by the pages (default export), so Leaflet stays out of the entry bundle.
import 'leaflet/dist/leaflet.css';
import './province-map.css';
import type { Feature, FeatureCollection } from 'geojson';
import type { Layer, GeoJSON as LeafletGeoJSON, LeafletMouseEvent, Path, PathOptions } from 'leaflet';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { GeoJSON, MapContainer, TileLayer, useMap } from 'react-leaflet';
import { useI18n } from '../lib/i18n.ts';
import { classify, colorOf, legendItems } from './classes.ts';
import { boundsOf, codeOf, hasDemo, hoverText, nameOf, shortName } from './features.ts';

export interface ProvinceMapProps {
  features: FeatureCollection;
  /** KPI value per unit code; missing or null is "no data". */
  values: Map<string, number | null>;
  format: (v: number | null) => string;
  legendTitle: string;
  selected?: string;
  onSelect?: (code: string) => void;
  /** A tile server of the province's own ({z}/{x}/{y}); none by default (offline). */
  tileUrl?: string | null;
  /** Shown in a corner when any feature is approximate demo geometry. */
  demoNote?: string;
  noDataLabel?: string;
  labels?: boolean;
  dark?: boolean;
  height?: number | string;
  /** Number of legend classes (quantiles). */
  classes?: number;
  /** A rate with a target: which end is worse, so the worst units stand out. */
  worse?: 'low' | 'high';
}

const DEFAULT_CENTER: [number, number] = [21.3, 105.2];

/** A stable key per features object: react-leaflet's GeoJSON reads its data only when created. */
const dataKeys = new WeakMap<object, number>();
let nextKey = 0;
function dataKey(fc: FeatureCollection): number {
  let k = dataKeys.get(fc);
  if (k === undefined) {
    k = ++nextKey;
    dataKeys.set(fc, k);
  }
  return k;
}

/** Fit the view to the features, again whenever the container changes size (wall screens, panels). */
function FitToFeatures({ features }: { features: FeatureCollection }) {
  const map = useMap();
  useEffect(() => {
    const bounds = boundsOf(features);
    const fitView = () => {
      if (!bounds) return;
      const size = map.getSize();
      if (size.x > 0 && size.y > 0) map.fitBounds(bounds, { padding: [12, 12], animate: false });
      else
        map.setView([(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2], 9, {
          animate: false,
        });
    };
    fitView();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      map.invalidateSize({ animate: false });
      fitView();
    });
    observer.observe(map.getContainer());
    return () => observer.disconnect();
  }, [map, features]);
  return null;
}

/**
 * Labels that do not fit are hidden, largest units first kept: 148 communes in a desk panel would otherwise print
 * over each other (their names stay in the hover line and the ranking). Re-run when the view moves or resizes, so
 * zooming in brings the hidden ones back.
 */
function DeclutterLabels({ features }: { features: FeatureCollection }) {
  const map = useMap();
  // biome-ignore lint/correctness/useExhaustiveDependencies: new features bring new labels to sort out
  useEffect(() => {
    let frame = 0;
    const run = () => {
      const els = [...map.getContainer().querySelectorAll<HTMLElement>('.ioc-map__label')];
      for (const e of els) e.style.visibility = '';
      const kept: DOMRect[] = [];
      const bySize = els
        .map((e) => ({ e, size: Number(e.dataset.size ?? 0) }))
        .sort((a, b) => b.size - a.size);
      for (const { e } of bySize) {
        const r = e.getBoundingClientRect();
        const hit = kept.some(
          (k) => r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top,
        );
        if (hit) e.style.visibility = 'hidden';
        else kept.push(r);
      }
    };
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(run);
    };
    map.on('zoomend moveend resize', later);
    const timer = setTimeout(later, 50);
    return () => {
      map.off('zoomend moveend resize', later);
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, [map, features]);
  return null;
}

export function ProvinceMap({
  features,
  values,
  format,
  legendTitle,
  selected,
  onSelect,
  tileUrl = null,
  demoNote,
  noDataLabel = 'Không có dữ liệu',
  labels = false,
  dark = false,
  height = 420,
  classes: classCount = 5,
  worse,
}: ProvinceMapProps) {
  const hatchId = `ioc-hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const layerRef = useRef<LeafletGeoJSON | null>(null);
  const [hover, setHover] = useState<string | null>(null);

  const { fmt } = useI18n();
  const classes = useMemo(
    () => classify(values.values(), classCount, format, worse),
    [values, classCount, format, worse],
  );
  const legend = useMemo(() => legendItems(classes, format, values.values()), [classes, format, values]);
  const byCode = useMemo(() => new Map(features.features.map((f) => [codeOf(f), f])), [features]);
  const missing = useMemo(
    () => features.features.some((f) => colorOf(values.get(codeOf(f)), classes) === null),
    [features, values, classes],
  );

  const style = useMemo(() => {
    const border = dark ? '#0b1220' : '#ffffff';
    return (f?: Feature): PathOptions => {
      const code = codeOf(f);
      const fill = colorOf(values.get(code), classes);
      const isSelected = selected !== undefined && code === selected;
      return {
        className: 'ioc-map__unit',
        color: isSelected ? (dark ? '#f8fafc' : '#111827') : border,
        weight: isSelected ? 3 : 1,
        opacity: 1,
        fillColor: fill ?? `url(#${hatchId})`,
        fillOpacity: fill ? 0.88 : 1,
      };
    };
  }, [values, classes, selected, dark, hatchId]);

  // Leaflet handlers are bound once per layer; they read the latest props through this ref.
  const latest = useRef({ style, onSelect, selected });
  latest.current = { style, onSelect, selected };

  /** The selected unit's outline on top of its neighbours' (SVG paints in document order). */
  const raiseSelected = () => {
    const code = latest.current.selected;
    if (!code) return;
    layerRef.current?.eachLayer((l) => {
      if (codeOf((l as Layer & { feature?: Feature }).feature) === code) (l as Path).bringToFront();
    });
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: raiseSelected reads the latest props; re-run on selection
  useEffect(raiseSelected, [selected]);

  const onEachFeature = (f: Feature, layer: Layer) => {
    const code = codeOf(f);
    const path = layer as Path;
    if (labels) {
      layer.bindTooltip(shortName(nameOf(f)), {
        permanent: true,
        direction: 'center',
        className: 'ioc-map__label',
        interactive: false,
      });
      // The unit's extent (in squared degrees): bigger units keep their label when labels collide.
      const b = boundsOf({ type: 'FeatureCollection', features: [f] });
      const size = b ? (b[1][0] - b[0][0]) * (b[1][1] - b[0][1]) : 0;
      layer.on('tooltipopen', (e) => {
        (e as unknown as { tooltip: { getElement(): HTMLElement | undefined } }).tooltip
          .getElement()
          ?.setAttribute('data-size', String(size));
      });
    }
    layer.on('add', () => {
      const el = path.getElement() as SVGElement | undefined;
      if (!el) return;
      el.setAttribute('data-code', code);
      el.setAttribute('aria-label', nameOf(f));
      // A named shape is an image unless it is a button (below): SVG paths allow aria-label only with a role.
      if (!el.hasAttribute('role')) el.setAttribute('role', 'img');
      if (latest.current.onSelect && !el.hasAttribute('tabindex')) {
        // Keyboard drill-down: a unit is a button (Leaflet paths are not focusable by themselves).
        el.setAttribute('role', 'button');
        el.setAttribute('tabindex', '0');
        el.addEventListener('keydown', (e: KeyboardEvent) => {
          if (e.key === 'Enter' || e.key === ' ') latest.current.onSelect?.(code);
        });
      }
    });
    layer.on({
      click: () => latest.current.onSelect?.(code),
      mouseover: (e: LeafletMouseEvent) => {
        setHover(code);
        (e.target as Path).setStyle({ weight: code === latest.current.selected ? 3 : 2 });
      },
      mouseout: (e: LeafletMouseEvent) => {
        setHover((h) => (h === code ? null : h));
        (e.target as Path).setStyle(latest.current.style(f));
      },
    });
  };

  const hovered = hover ? byCode.get(hover) : undefined;
  const demo = demoNote && hasDemo(features);

  return (
    <div
      className={`ioc-map${dark ? ' ioc-map--dark' : ''}${onSelect ? ' ioc-map--clickable' : ''}${tileUrl ? ' ioc-map--tiles' : ''}`}
      style={{ height }}
    >
      <svg className="ioc-map__defs" width="0" height="0" aria-hidden="true" focusable="false">
        <defs>
          <pattern
            id={hatchId}
            patternUnits="userSpaceOnUse"
            width="6"
            height="6"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill={dark ? '#1f2937' : '#e5e7eb'} />
            <line x1="0" y1="0" x2="0" y2="6" stroke={dark ? '#4b5563' : '#9ca3af'} strokeWidth="2" />
          </pattern>
        </defs>
      </svg>
      <MapContainer
        center={DEFAULT_CENTER}
        zoom={9}
        zoomSnap={0.25}
        scrollWheelZoom={false}
        attributionControl={Boolean(tileUrl)}
        className="ioc-map__canvas"
      >
        {tileUrl ? <TileLayer url={tileUrl} attribution="© OpenStreetMap contributors" /> : null}
        <GeoJSON
          key={`${dataKey(features)}:${labels ? 1 : 0}`}
          ref={layerRef}
          data={features}
          style={style}
          onEachFeature={onEachFeature}
          eventHandlers={{ add: raiseSelected }}
        />
        <FitToFeatures features={features} />
        {labels ? <DeclutterLabels features={features} /> : null}
      </MapContainer>

      {hovered ? (
        <div className="ioc-map__info" role="status">
          {hoverText(nameOf(hovered), values.get(hover ?? ''), format, noDataLabel)}
        </div>
      ) : null}

      {legend.length > 0 || missing ? (
        <div className="ioc-map__legend">
          <div className="ioc-map__legend-title">{legendTitle}</div>
          {legend.map((item) => (
            <div className="ioc-map__legend-row" key={item.color}>
              <span className="ioc-map__swatch" style={{ background: item.color }} />
              {item.label}
              <span className="ioc-map__legend-count">({fmt.number(item.count)})</span>
            </div>
          ))}
          {missing ? (
            <div className="ioc-map__legend-row">
              <svg className="ioc-map__swatch" viewBox="0 0 14 14" aria-hidden="true">
                <rect width="14" height="14" fill={`url(#${hatchId})`} />
              </svg>
              {noDataLabel}
            </div>
          ) : null}
        </div>
      ) : null}

      {demo ? <div className="ioc-map__note">{demoNote}</div> : null}
    </div>
  );
}

export default ProvinceMap;
