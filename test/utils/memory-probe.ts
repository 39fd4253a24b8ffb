/** Samples this process's memory while work runs, to check streaming stays bounded. */
export class MemoryProbe {
  private readonly baseline = process.memoryUsage();
  private peakHeap = this.baseline.heapUsed;
  private peakRss = this.baseline.rss;
  private readonly timer = setInterval(() => this.sample(), 20);

  sample(): void {
    const now = process.memoryUsage();
    this.peakHeap = Math.max(this.peakHeap, now.heapUsed);
    this.peakRss = Math.max(this.peakRss, now.rss);
  }

  /** Stops sampling; growth over the baseline in MiB. */
  stop(): { heapMiB: number; rssMiB: number } {
    this.sample();
    clearInterval(this.timer);
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      heapMiB: mib(this.peakHeap - this.baseline.heapUsed),
      rssMiB: mib(this.peakRss - this.baseline.rss),
    };
  }
}
