// Choropleth classes: quantile breaks over the values shown and a sequential, colour-blind-safe palette
// (ColorBrewer YlGnBu, light = low, dark = high), plus the legend rows. Pure: the map only paints them.

/** ColorBrewer YlGnBu, by class count (3–9). Sequential and safe for the common colour-vision deficiencies. */
const YL_GN_BU: Record<number, string[]> = {
  3: ['#edf8b1', '#7fcdbb', '#2c7fb8'],
  4: ['#ffffcc', '#a1dab4', '#41b6c4', '#225ea8'],
  5: ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'],
  6: ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#2c7fb8', '#253494'],
  7: ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'],
  8: ['#ffffd9', '#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'],
  9: ['#ffffd9', '#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#253494', '#081d58'],
};

/**
 * ColorBrewer RdYlBu (colour-blind safe), worst to best: for a rate with a target the worst units stand out in
 * red instead of fading into the lightest shade.
 */
const RD_YL_BU: Record<number, string[]> = {
  3: ['#fc8d59', '#ffffbf', '#91bfdb'],
  4: ['#d7191c', '#fdae61', '#abd9e9', '#2c7bb6'],
  5: ['#d7191c', '#fdae61', '#ffffbf', '#abd9e9', '#2c7bb6'],
  6: ['#d73027', '#fc8d59', '#fee090', '#e0f3f8', '#91bfdb', '#4575b4'],
  7: ['#d73027', '#fc8d59', '#fee090', '#ffffbf', '#e0f3f8', '#91bfdb', '#4575b4'],
  8: ['#d73027', '#f46d43', '#fdae61', '#fee090', '#e0f3f8', '#abd9e9', '#74add1', '#4575b4'],
  9: ['#d73027', '#f46d43', '#fdae61', '#fee090', '#ffffbf', '#e0f3f8', '#abd9e9', '#74add1', '#4575b4'],
};

/** k colours of a ColorBrewer table (3–9 classes); 1 and 2 classes take the given picks of the smaller tables. */
function colours(table: Record<number, string[]>, k: number, one: string, two: [string, string]): string[] {
  if (k <= 0) return [];
  if (k === 1) return [one];
  if (k === 2) return two;
  return table[Math.min(k, 9)];
}

/** Colours for k classes from worst to best (a diverging palette where the worst end is the strongest). */
export const worstFirstPalette = (k: number): string[] =>
  colours(RD_YL_BU, k, RD_YL_BU[3][0], [RD_YL_BU[4][0], RD_YL_BU[4][3]]);

/** Colours for k classes, light to dark. */
export const palette = (k: number): string[] =>
  colours(YL_GN_BU, k, YL_GN_BU[3][1], [YL_GN_BU[3][0], YL_GN_BU[3][2]]);

export interface Classes {
  /**
   * k + 1 ascending bounds for k classes: class i holds values from breaks[i] up to (not including)
   * breaks[i + 1]; the last class also holds its top, the largest value.
   */
  breaks: number[];
  /** One colour per class, light (low values) to dark (high values). */
  colors: string[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Quantile classes of the finite values (nulls and NaN are "no data", not zero): up to n classes with about
 * as many units each; fewer when there are fewer distinct values, never an empty class.
 */
export function classify(
  values: Iterable<number | null | undefined>,
  n = 5,
  /**
   * How a bound is shown (the legend's formatter): two classes never start at the same shown value, so the legend
   * never reads "97 % – 97 %" twice for bounds that differ only past the shown precision.
   */
  shown: (v: number) => string = String,
  /** Which end is worse, for a rate judged against a target: the worst class gets the strongest colour. */
  worse?: 'low' | 'high',
): Classes {
  const sorted = [...values].filter(isNum).sort((a, b) => a - b);
  const count = sorted.length;
  const k = Math.max(1, Math.min(Math.floor(n), 9));
  if (count === 0) return { breaks: [], colors: [] };
  const lows: number[] = [sorted[0]];
  for (let i = 1; i < k; i++) {
    const q = sorted[Math.floor((i * count) / k)];
    const last = lows[lows.length - 1];
    if (q > last && shown(q) !== shown(last)) lows.push(q);
  }
  const colors = worse
    ? worse === 'low'
      ? worstFirstPalette(lows.length)
      : worstFirstPalette(lows.length).reverse()
    : palette(lows.length);
  return { breaks: [...lows, sorted[count - 1]], colors };
}

/** The class of a value (values outside the range go to the nearest end); -1 when there are no classes. */
export function classOf(v: number, c: Classes): number {
  const k = c.colors.length;
  if (k === 0) return -1;
  let i = 0;
  while (i + 1 < k && v >= c.breaks[i + 1]) i++;
  return i;
}

/** The fill of a value, or null for no data. */
export function colorOf(v: number | null | undefined, c: Classes): string | null {
  if (!isNum(v)) return null;
  const i = classOf(v, c);
  return i < 0 ? null : c.colors[i];
}

export interface LegendItem {
  color: string;
  label: string;
  /** Units in the class. */
  count: number;
}

/**
 * Legend rows, low to high: "from – to" in the caller's formatter, one value when the class shows one, and how
 * many of the values fall in it.
 */
export function legendItems(
  c: Classes,
  format: (v: number | null) => string,
  values: Iterable<number | null | undefined> = [],
): LegendItem[] {
  const counts = c.colors.map(() => 0);
  for (const v of values) if (isNum(v)) counts[classOf(v, c)]++;
  return c.colors.map((color, i) => {
    const from = format(c.breaks[i]);
    const to = format(c.breaks[i + 1]);
    return { color, label: from === to ? from : `${from} – ${to}`, count: counts[i] };
  });
}
