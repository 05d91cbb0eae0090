/** How many keys the queue works on at once by default. */
export const DEFAULT_CONCURRENCY = 16;

/**
 * A work queue keyed by sandbox name: a key queued twice is processed once; a key is never processed
 * by two workers at once (a change during processing queues it again); failures retry with
 * per-key exponential backoff. Keys queued as urgent (a status change of what a sandbox already
 * runs: a short pass) go before the others (first passes, resyncs), so a burst of new sandboxes
 * does not hold back the pass that makes an earlier one Running.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly order: string[] = [];
  private readonly urgent: string[] = [];
  private readonly urgentKeys = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly dirtyUrgent = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private active = 0;
  private stopped = false;

  constructor(
    private readonly process: (
      key: string,
    ) => Promise<void | { requeueAfterMs: number }>,
    private readonly options: {
      concurrency?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
      onError?: (key: string, error: unknown, attempt: number) => void;
    } = {},
  ) {}

  add(key: string, urgent = false) {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      if (urgent) this.dirtyUrgent.add(key);
      return;
    }
    if (this.queued.has(key) && (!urgent || this.urgentKeys.has(key))) return;
    this.queued.add(key);
    if (urgent) {
      this.urgentKeys.add(key);
      this.urgent.push(key);
    } else {
      this.order.push(key);
    }
    this.pump();
  }

  /** The next queued key: urgent ones first, each in the order queued. */
  private next(): string | undefined {
    for (const lane of [this.urgent, this.order]) {
      while (lane.length) {
        const key = lane.shift()!;
        // A key moved to the urgent lane leaves a stale entry in the other one.
        if (this.queued.has(key)) return key;
      }
    }
    return undefined;
  }

  addAfter(key: string, delayMs: number) {
    if (this.stopped) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  /** Resolves when nothing is queued, processing or waiting to retry soon. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queued.clear();
    this.urgentKeys.clear();
    this.order.length = 0;
    this.urgent.length = 0;
  }

  private isIdle() {
    return this.queued.size === 0 && this.processing.size === 0;
  }

  private pump() {
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    while (!this.stopped && this.active < concurrency) {
      const key = this.next();
      if (key === undefined) break;
      this.queued.delete(key);
      this.urgentKeys.delete(key);
      this.processing.add(key);
      this.active++;
      void this.run(key);
    }
    if (this.isIdle()) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async run(key: string) {
    try {
      const result = await this.process(key);
      this.failures.delete(key);
      if (result && result.requeueAfterMs >= 0) {
        this.addAfter(key, result.requeueAfterMs);
      }
    } catch (error) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      this.options.onError?.(key, error, attempt);
      const base = this.options.baseDelayMs ?? 500;
      const max = this.options.maxDelayMs ?? 60_000;
      this.addAfter(key, Math.min(max, base * 2 ** (attempt - 1)));
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.add(key, this.dirtyUrgent.has(key));
      this.dirtyUrgent.delete(key);
      this.pump();
    }
  }
}
