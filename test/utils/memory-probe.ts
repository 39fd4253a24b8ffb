import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection: what is left is live memory, not garbage awaiting the collector. */
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Checks streaming stays bounded: peak RSS while work runs (bodies are Buffers, outside the JS
 * heap) and the JS heap still live afterwards. Peak heap including garbage is not measured: it
 * depends on when V8 chooses to collect, which in a long test process (every suite in one)
 * can let 100 MiB of garbage wait for a collection.
 */
export class MemoryProbe {
  private readonly baseline = MemoryProbe.live();
  private peakRss = this.baseline.rss;
  private readonly timer = setInterval(() => this.sample(), 20);

  private static live(): NodeJS.MemoryUsage {
    collectGarbage();
    return process.memoryUsage();
  }

  sample(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }

  /** Stops sampling; growth over the baseline in MiB. */
  stop(): { heapMiB: number; rssMiB: number } {
    this.sample();
    clearInterval(this.timer);
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      heapMiB: mib(MemoryProbe.live().heapUsed - this.baseline.heapUsed),
      rssMiB: mib(this.peakRss - this.baseline.rss),
    };
  }
}
