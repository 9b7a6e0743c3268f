// A scoped principal (a district's chairman, a department head) sees only its unit subtree and sectors. The
// server refuses (403) any request outside them, including one that names no unit at all; so the UI defaults and
// locks the filters to the scope and every request it makes stays inside.
import type { ScopeAssignment } from './session.ts';
import type { UnitIndex } from './units.ts';

export interface ScopedFilters {
  unit?: string;
  sector?: string;
}

/** Whether a unit is one of the roots or below one of them. */
export function unitInScope(index: UnitIndex, roots: string[], unit: string | undefined): boolean {
  if (!unit) return false;
  return index.chain(unit).some((u) => roots.includes(u.code)) || roots.includes(unit);
}

/**
 * The filters moved inside the scope: a unit outside (or none) becomes the first root, a sector outside (or none)
 * the first assigned sector. Unscoped principals get their filters back unchanged.
 */
export function clampToScope<F extends ScopedFilters>(
  f: F,
  scope: ScopeAssignment | null | undefined,
  index: UnitIndex,
): F {
  if (!scope) return f;
  let out = f;
  const roots = scope.units;
  if (roots && roots.length > 0 && !unitInScope(index, roots, f.unit)) out = { ...out, unit: roots[0] };
  const sectors = scope.sectors;
  if (sectors && sectors.length > 0 && !(f.sector && sectors.includes(f.sector)))
    out = { ...out, sector: sectors[0] };
  return out;
}

/** The highest unit the breadcrumb may go back to: the scope's root above the current unit, if any. */
export function scopeRoot(
  index: UnitIndex,
  scope: ScopeAssignment | null | undefined,
  unit: string | undefined,
): string | undefined {
  const roots = scope?.units;
  if (!roots?.length) return undefined;
  return index.chain(unit).find((u) => roots.includes(u.code))?.code ?? roots[0];
}
