// Ordering of migration versions. Versions are digit strings of any width (0001, 20240131120000,
// 1612345678901), compared as numbers so folders mixing widths still sort by time.
// Invariant: one ordering everywhere (discovery, status, migrate, rollback).

/** Digits without leading zeros ('0' stays '0'). */
function numericPart(v: string): string {
  const s = v.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

export function isNumericVersion(v: string): boolean {
  return /^\d+$/.test(v);
}

/**
 * Sort order of two versions: numerically when both are digit strings, then by text.
 * @example ['10', '9', '0002'].sort(compareVersions) // ['0002', '9', '10']
 */
export function compareVersions(a: string, b: string): number {
  if (isNumericVersion(a) && isNumericVersion(b)) {
    const x = numericPart(a);
    const y = numericPart(b);
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Same position in the order (e.g. `1` and `0001`): two files may not share it. */
export function sameVersionNumber(a: string, b: string): boolean {
  return isNumericVersion(a) && isNumericVersion(b) ? numericPart(a) === numericPart(b) : a === b;
}
