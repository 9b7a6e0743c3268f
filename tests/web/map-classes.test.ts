// Map classes and labels: quantile breaks, palette, no-data handling, legend rows, short names, bounds.
import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { classify, classOf, colorOf, legendItems, palette } from '../../web/map/classes.ts';
import { boundsOf, hasDemo, hoverText, shortName } from '../../web/map/features.ts';

const fmt = (v: number | null) => (v === null ? '—' : String(v));

/** Relative luminance of #rrggbb, to check the palette runs light → dark. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('classify', () => {
  it('splits ten values into five quantile classes of two', () => {
    const c = classify([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5);
    expect(c.breaks).toEqual([1, 3, 5, 7, 9, 10]);
    expect(c.colors).toEqual(['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494']);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => classOf(v, c))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('ignores null and NaN rather than counting them as zero', () => {
    const c = classify([null, 5, undefined, Number.NaN, 15, Number.POSITIVE_INFINITY], 5);
    expect(c.breaks).toEqual([5, 15, 15]);
    expect(c.colors).toHaveLength(2);
    expect(colorOf(null, c)).toBeNull();
    expect(colorOf(Number.NaN, c)).toBeNull();
    expect(colorOf(0, c)).toBe(c.colors[0]);
  });

  it('gives fewer classes, never an empty one, when values repeat', () => {
    const c = classify([1, 1, 1, 1, 1, 1, 1, 1, 5, 9], 5);
    expect(c.breaks).toEqual([1, 5, 9]);
    expect(c.colors).toHaveLength(2);
    for (let i = 0; i < c.colors.length; i++) {
      expect([1, 1, 5, 9].some((v) => classOf(v, c) === i)).toBe(true);
    }
    const same = classify([42, 42, 42]);
    expect(same.breaks).toEqual([42, 42]);
    expect(same.colors).toHaveLength(1);
    expect(classOf(42, same)).toBe(0);
  });

  it('has no classes without values', () => {
    expect(classify([])).toEqual({ breaks: [], colors: [] });
    expect(classify([null, null])).toEqual({ breaks: [], colors: [] });
    expect(colorOf(3, classify([]))).toBeNull();
  });

  it('handles negative values and values outside the range', () => {
    const c = classify([-30, -10, 0, 10, 30], 5);
    expect(c.breaks).toEqual([-30, -10, 0, 10, 30, 30]);
    expect(classOf(-100, c)).toBe(0);
    expect(classOf(100, c)).toBe(4);
    expect(classOf(-10, c)).toBe(1);
  });

  it('is independent of input order', () => {
    const values = [3.2, 8.1, 0.5, 12, 7.7, 7.7, 1.1, 9.9, 4.4, 6];
    expect(classify([...values].reverse(), 5)).toEqual(classify(values, 5));
  });

  it('uses a sequential palette from light to dark for 1 to 9 classes', () => {
    for (let k = 1; k <= 9; k++) {
      const p = palette(k);
      expect(p).toHaveLength(k);
      expect(new Set(p).size).toBe(k);
      for (let i = 1; i < k; i++) expect(luminance(p[i])).toBeLessThan(luminance(p[i - 1]));
    }
    expect(classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 12).colors).toHaveLength(9);
  });
});

describe('a rate with a target', () => {
  it('paints the worst class strongest: red for the lowest when higher is better, for the highest when lower is', () => {
    const values = [81.6, 95.7, 95.9, 96.6, 96.8, 96.9, 97, 97.2, 97.3, 97.6];
    const up = classify(values, 5, String, 'low');
    expect(up.colors[0]).toBe('#d7191c');
    expect(colorOf(81.6, up)).toBe('#d7191c'); // Thanh Sơn stands out, not the palest shade
    expect(colorOf(97.6, up)).toBe('#2c7bb6');
    const down = classify(values, 5, String, 'high');
    expect(colorOf(97.6, down)).toBe('#d7191c');
    expect(classify(values, 5).colors[0]).toBe('#ffffcc'); // without a target: sequential as before
  });
});

describe('legendItems', () => {
  it('labels each class with its range in the given formatter', () => {
    const c = classify([9, 1, 5], 3);
    expect(legendItems(c, (v) => `${fmt(v)} %`, [9, 1, 5])).toEqual([
      { color: c.colors[0], label: '1 % – 5 %', count: 1 },
      { color: c.colors[1], label: '5 % – 9 %', count: 1 },
      { color: c.colors[2], label: '9 %', count: 1 },
    ]);
  });
});

describe('feature helpers', () => {
  it('shortens names for labels', () => {
    expect(shortName('Huyện Thanh Sơn')).toBe('Thanh Sơn');
    expect(shortName('Thành phố Việt Trì')).toBe('Việt Trì');
    expect(shortName('Thị xã Phú Thọ')).toBe('Phú Thọ');
    expect(shortName('Thị trấn Hưng Hoá')).toBe('Hưng Hoá');
    expect(shortName('Phường Gia Cẩm')).toBe('Gia Cẩm');
    expect(shortName('Xã')).toBe('Xã');
  });

  it('says the hover line with the no-data label for missing values', () => {
    expect(hoverText('Huyện Thanh Sơn', 35.6, (v) => `${v} %`, 'Không có dữ liệu')).toBe('Thanh Sơn: 35.6 %');
    expect(hoverText('Huyện Thanh Sơn', null, fmt, 'No data')).toBe('Thanh Sơn: No data');
  });

  it('finds the bounds and the demo flag', () => {
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: '1', demo: false },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [105, 21],
                [105.5, 21],
                [105.5, 21.4],
                [105, 21],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { code: '2', demo: true },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [104.8, 21.2],
                  [105, 21.7],
                  [104.9, 21.2],
                  [104.8, 21.2],
                ],
              ],
            ],
          },
        },
      ],
    };
    expect(boundsOf(fc)).toEqual([
      [21, 104.8],
      [21.7, 105.5],
    ]);
    expect(hasDemo(fc)).toBe(true);
    expect(hasDemo({ ...fc, features: [fc.features[0]] })).toBe(false);
    expect(boundsOf({ type: 'FeatureCollection', features: [] })).toBeNull();
  });

  it('never shows two equal bounds: classes start at distinct shown values, each with its count', () => {
    // Rates that differ only past the shown precision (one decimal): the old breaks read "97.0 % – 97.0 %".
    // Quantile starts 97.03 and 97.05 show as 97.0 like the first value: dropped; 97.13 and 97.21 start classes.
    const values = [97.01, 97.02, 97.03, 97.04, 97.05, 97.12, 97.13, 97.14, 97.21, 98.0];
    const shown = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
    const c = classify(values, 5, shown);
    const starts = c.breaks.slice(0, -1).map(shown);
    expect(new Set(starts).size).toBe(starts.length);
    const items = legendItems(c, shown, values);
    for (const it of items) {
      const [from, to] = it.label.split(' – ');
      if (to !== undefined) expect(from).not.toBe(to);
    }
    expect(items.map((i) => i.count).reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(items.map((i) => i.label)).toEqual(['97.0 % – 97.1 %', '97.1 % – 97.2 %', '97.2 % – 98.0 %']);
    expect(items.map((i) => i.count)).toEqual([6, 2, 2]);
  });
});
