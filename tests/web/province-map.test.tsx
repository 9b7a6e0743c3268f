// The map component in jsdom: one path per unit with its code, no-data hatched, legend, demo note, click → onSelect.
import type { FeatureCollection } from 'geojson';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProvinceMap } from '../../web/map/province-map.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const square = (x: number, y: number) => [
  [
    [x, y],
    [x + 0.1, y],
    [x + 0.1, y + 0.1],
    [x, y + 0.1],
    [x, y],
  ],
];
const FC: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { code: '227', name: 'Thành phố Việt Trì', demo: true },
      geometry: { type: 'Polygon', coordinates: square(105.3, 21.3) },
    },
    {
      type: 'Feature',
      properties: { code: '238', name: 'Huyện Thanh Sơn', demo: true },
      geometry: { type: 'Polygon', coordinates: square(105.1, 21.1) },
    },
    {
      type: 'Feature',
      properties: { code: '240', name: 'Huyện Tân Sơn', demo: true },
      geometry: { type: 'Polygon', coordinates: square(104.9, 21.1) },
    },
  ],
};

let root: Root | undefined;
let host: HTMLDivElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
});

async function render(props: Partial<Parameters<typeof ProvinceMap>[0]> = {}) {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  await act(async () => {
    root!.render(
      <ProvinceMap
        features={FC}
        values={
          new Map([
            ['227', 80],
            ['238', 40],
          ])
        }
        format={(v) => `${v} %`}
        legendTitle="Tỷ lệ đúng hạn"
        demoNote="Ranh giới minh hoạ"
        noDataLabel="Không có dữ liệu"
        {...props}
      />,
    );
  });
  return host;
}

describe('ProvinceMap', () => {
  it('draws one path per unit, hatches units without data, shows legend and demo note', async () => {
    const el = await render({ labels: true });
    const paths = [...el.querySelectorAll('path[data-code]')];
    expect(paths.map((p) => p.getAttribute('data-code')).sort()).toEqual(['227', '238', '240']);
    const fill = (code: string) => el.querySelector(`path[data-code="${code}"]`)!.getAttribute('fill');
    expect(fill('240')).toMatch(/^url\(#ioc-hatch-/);
    expect(fill('227')).toMatch(/^#[0-9a-f]{6}$/);
    expect(fill('238')).not.toBe(fill('227'));
    expect(el.querySelector('.ioc-map__legend')!.textContent).toContain('Tỷ lệ đúng hạn');
    expect(el.querySelector('.ioc-map__legend')!.textContent).toContain('Không có dữ liệu');
    expect(el.querySelector('.ioc-map__note')!.textContent).toBe('Ranh giới minh hoạ');
    expect(el.querySelector('.leaflet-tile-pane img')).toBeNull();
    expect(el.querySelector('.leaflet-control-attribution')).toBeNull();
    expect([...el.querySelectorAll('.ioc-map__label')].map((t) => t.textContent).sort()).toEqual([
      'Thanh Sơn',
      'Tân Sơn',
      'Việt Trì',
    ]);
  });

  it('calls onSelect with the unit code on click and on Enter', async () => {
    const onSelect = vi.fn();
    const el = await render({ onSelect });
    const path = el.querySelector('path[data-code="238"]')!;
    await act(async () => {
      path.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 1, clientY: 1 }));
    });
    expect(onSelect).toHaveBeenCalledWith('238');
    await act(async () => {
      path.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    expect(onSelect).toHaveBeenLastCalledWith('238');
    expect(path.getAttribute('role')).toBe('button');
  });

  it('hides the demo note for real boundaries and adds attribution only with a tile layer', async () => {
    const real = {
      ...FC,
      features: FC.features.map((f) => ({ ...f, properties: { ...f.properties, demo: false } })),
    };
    const el = await render({ features: real, tileUrl: 'https://tiles.example.vn/{z}/{x}/{y}.png' });
    expect(el.querySelector('.ioc-map__note')).toBeNull();
    expect(el.querySelector('.leaflet-control-attribution')).not.toBeNull();
  });
});
