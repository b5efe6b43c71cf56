/**
 * A one-line progress bar, redrawn in place on a terminal. The CLI only
 * creates one when stdout is a terminal and output is not JSON.
 */
export class ProgressBar {
  private started = Date.now();
  private lastDraw = 0;
  constructor(
    private readonly out: { write(s: string): unknown; columns?: number },
    private readonly label: string,
  ) {}

  /** Redraws at most every 50 ms (always at 100%). */
  update(done: number, total: number, suffix = ''): void {
    const now = Date.now();
    if (now - this.lastDraw < 50 && done < total) return;
    this.lastDraw = now;
    const frac = total > 0 ? Math.min(done / total, 1) : 0;
    const elapsed = (now - this.started) / 1000;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : NaN;
    const right = ` ${(frac * 100).toFixed(0).padStart(3)}% ${suffix}${Number.isFinite(eta) ? ` eta ${eta.toFixed(0)}s` : ''}`;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - this.label.length - right.length - 4));
    const filled = Math.round(frac * width);
    this.out.write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${right}`);
  }

  /** Erases the bar so the next line starts clean. */
  clear(): void {
    this.out.write('\r\x1b[2K');
  }
}
