// The unit hierarchy (province › district › commune) from /api/units, for breadcrumbs, map levels and labels.
// Units have dates: after 1 July 2025 the province's communes have no district, and the drill follows the view.
import { todayLocal } from '../../common/vn-time.ts';
import type { GeoLevel } from './queries.ts';

export interface UnitLike {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  validFrom?: string | null;
  validTo?: string | null;
}

/** In force on a day (YYYY-MM-DD): begun, and not ended before it. */
export const inForceOn = (u: UnitLike, day: string) =>
  (!u.validFrom || u.validFrom <= day) && (!u.validTo || u.validTo >= day);

export interface UnitIndex<U extends UnitLike = UnitLike> {
  byCode: Map<string, U>;
  province: U | undefined;
  /** The unit and its ancestors, province first. */
  chain: (code: string | undefined) => U[];
  children: (code: string | undefined) => U[];
}

export function indexUnits<U extends UnitLike>(units: U[] | undefined): UnitIndex<U> {
  const byCode = new Map<string, U>();
  const kids = new Map<string, U[]>();
  for (const u of units ?? []) {
    byCode.set(u.code, u);
    if (u.parentCode) kids.set(u.parentCode, [...(kids.get(u.parentCode) ?? []), u]);
  }
  // The province of today (former provinces merged into it are units too, with their last day).
  const province =
    (units ?? []).find((u) => u.level === 'province' && !u.validTo) ??
    (units ?? []).find((u) => u.level === 'province');
  return {
    byCode,
    province,
    chain(code) {
      const out: U[] = [];
      let u = code ? byCode.get(code) : undefined;
      for (let guard = 0; u && guard < 8; guard++) {
        out.unshift(u);
        u = u.parentCode ? byCode.get(u.parentCode) : undefined;
      }
      if (out.length === 0 && province) out.push(province);
      else if (out[0]?.level !== 'province' && province) out.unshift(province);
      return out;
    },
    children(code) {
      return kids.get(code ?? province?.code ?? '') ?? [];
    },
  };
}

export interface DrillLevel {
  /** Level of the units shown on the map and in the ranking. */
  level: GeoLevel;
  /** Their parent: the filter the ranking and the map are asked with. */
  parent: string | undefined;
  /** The unit to highlight among them (a commune seen among its district's communes). */
  selected: string | undefined;
}

/**
 * What the map and the ranking show for a unit filter: the province's districts, a district's communes, or a
 * commune among its siblings. Which units: today's (the current view), or those in force at the period's end
 * (`view: 'then'`): a province without districts then (from 1 July 2025) drills straight to its communes —
 * Tỉnh › Xã/Phường; before it, as they were, the former provinces side by side, then Tỉnh cũ › Huyện › Xã. A former
 * district (today's "khu vực huyện cũ") still shows the communes of its area.
 */
export function drillLevel(
  index: UnitIndex,
  unit: string | undefined,
  at: { view?: 'then'; to?: string } = {},
): DrillLevel {
  const u = unit ? index.byCode.get(unit) : undefined;
  const day = at.view === 'then' && at.to ? at.to : todayLocal();
  // As they were, before provinces merged: today's province is the former ones side by side (Tỉnh cũ › Huyện › Xã).
  if (!u && at.view === 'then') {
    const provinces = [...index.byCode.values()].filter((p) => p.level === 'province' && inForceOn(p, day));
    if (provinces.length > 1) return { level: 'province', parent: undefined, selected: undefined };
  }
  if (!u || u.level === 'province') {
    const code = u?.code ?? index.province?.code;
    const districts = index.children(code).some((c) => c.level === 'district' && inForceOn(c, day));
    return { level: districts ? 'district' : 'commune', parent: code, selected: undefined };
  }
  if (u.level === 'district') return { level: 'commune', parent: u.code, selected: undefined };
  return { level: 'commune', parent: u.parentCode ?? undefined, selected: u.code };
}

/**
 * The name of a breakdown's null key: rows of agencies above the level broken down (province-level agencies
 * among districts; district-level ones among a district's communes).
 */
export function nullKeyLabel(
  level: GeoLevel | 'agency',
  parentLevel: string | undefined,
): 'unit.province' | 'unit.districtLevel' | 'unit.aboveCommune' {
  if (level !== 'commune') return 'unit.province';
  return parentLevel === 'district' ? 'unit.districtLevel' : 'unit.aboveCommune';
}
