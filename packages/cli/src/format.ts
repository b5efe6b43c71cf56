/** Number and table formatting for the reports. */

export const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a');
export const fixed = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const thousands = (n: number) => n.toLocaleString('en-US');
export const sci = (x: number) => x.toExponential(2);

/** Right-aligned columns; the first row is the header. */
export function table(rows: (string | number)[][], indent = '  '): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) => indent + r.map((v, c) => v.padStart(widths[c])).join('  ')).join('\n');
}
