/** A growable list of latency samples in milliseconds (floats, from autocannon's hrtime). */
export class Samples {
  private buf = new Float64Array(1 << 16);
  private n = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  /** A copy of the samples from index `from` on. */
  slice(from: number): Float64Array {
    return this.buf.slice(from, this.n);
  }

  get count(): number {
    return this.n;
  }

  /** Percentiles (0..100) by nearest rank over the sorted samples; NaN when empty. */
  percentiles(ps: number[]): number[] {
    if (this.n === 0) return ps.map(() => NaN);
    const sorted = this.buf.slice(0, this.n).sort();
    return ps.map((p) => sorted[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))]);
  }

  mean(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.buf[i];
    return this.n ? s / this.n : NaN;
  }

  max(): number {
    let m = -Infinity;
    for (let i = 0; i < this.n; i++) if (this.buf[i] > m) m = this.buf[i];
    return this.n ? m : NaN;
  }
}

export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);
