// The drill follows the units in force: today's merged province goes straight to its communes (Tỉnh › Xã/Phường);
// as they were before 1 July 2025, the former provinces side by side, each to its districts (Tỉnh cũ › Huyện › Xã).
import { describe, expect, it } from 'vitest';
import { drillLevel, indexUnits } from '../../web/lib/units.ts';

const u = (code: string, level: string, parentCode: string | null, validFrom?: string, validTo?: string) => ({
  code,
  name: code,
  level,
  parentCode,
  validFrom: validFrom ?? null,
  validTo: validTo ?? null,
});
const UNITS = [
  u('26', 'province', null, undefined, '2025-06-30'), // a former province merged into 25
  u('25', 'province', null),
  u('227', 'district', '25', undefined, '2025-06-30'),
  u('08001', 'commune', '227', undefined, '2025-06-30'),
  u('09001', 'commune', '25', '2025-07-01'),
];

describe('drillLevel with units that have dates', () => {
  const index = indexUnits(UNITS);

  it('takes today’s province, not a former one merged into it', () => {
    expect(index.province?.code).toBe('25');
  });

  it('current view: the province drills to its communes (no district is in force today)', () => {
    expect(drillLevel(index, undefined)).toEqual({ level: 'commune', parent: '25', selected: undefined });
    // A commune of today among its siblings, under the province.
    expect(drillLevel(index, '09001')).toEqual({ level: 'commune', parent: '25', selected: '09001' });
    // A former district (khu vực huyện cũ) still shows the communes of its area.
    expect(drillLevel(index, '227')).toEqual({ level: 'commune', parent: '227', selected: undefined });
  });

  it('as they were: 2024 shows the former provinces, each drills to its districts; after the reform, communes', () => {
    const then24 = { view: 'then' as const, to: '2024-12-31' };
    expect(drillLevel(index, undefined, then24)).toEqual({
      level: 'province',
      parent: undefined,
      selected: undefined,
    });
    // Tỉnh cũ › Huyện: the former Phú Thọ (25 as it was) to its districts; Vĩnh Phúc (26) had none in this fixture.
    expect(drillLevel(index, '25', then24)).toEqual({ level: 'district', parent: '25', selected: undefined });
    expect(drillLevel(index, '26', then24)).toEqual({ level: 'commune', parent: '26', selected: undefined });
    expect(drillLevel(index, undefined, { view: 'then', to: '2025-09-30' }).level).toBe('commune');
  });

  it('a province without dates drills to districts as before', () => {
    const plain = indexUnits([
      u('25', 'province', null),
      u('227', 'district', '25'),
      u('08001', 'commune', '227'),
    ]);
    expect(drillLevel(plain, undefined).level).toBe('district');
  });
});
