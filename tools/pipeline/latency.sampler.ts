import type { Client } from '@elastic/elasticsearch';
import type { OutgoingEvent } from '@churnstream/kafka';

/**
 * End-to-end latency of sampled sessions: from the moment Kafka acknowledged the session event to
 * the moment its document is readable in Elasticsearch by id (a realtime GET, so the index refresh
 * interval is not part of it). Polls every 200 ms; only a document whose session_end matches counts,
 * so an older session with the same id (another seed) is not mistaken for this one.
 */
export class LatencySampler {
  private readonly pending = new Map<string, { ackedAt: number; end: string }>();
  private found: number[] = [];
  private counter = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly es: Client,
    private readonly sessionsIndex: string,
    private readonly sampleEvery: number,
  ) {}

  /** Pass as StreamService's onSent. */
  readonly onSent = (events: readonly OutgoingEvent[], ackedAt: number): void => {
    for (const e of events) {
      const event = e.event as { event_type?: string; session?: { session_id: string; session_end: string } };
      if (event.event_type === 'session_ended' && event.session && this.counter++ % this.sampleEvery === 0) {
        this.pending.set(event.session.session_id, { ackedAt, end: event.session.session_end });
      }
    }
  };

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops after the pending samples are found or `graceMs` passed. */
  async stop(graceMs = 15_000): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.pending.size > 0 && Date.now() < deadline) await sleep(200);
    this.running = false;
    await this.loop;
  }

  /** Latencies found since the previous call, in milliseconds. */
  take(): number[] {
    const taken = this.found;
    this.found = [];
    return taken;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const ids = [...this.pending.keys()].slice(0, 300);
      if (ids.length > 0) {
        const response = await this.es.mget<{ session_end: string }>({
          index: this.sessionsIndex,
          ids,
          _source_includes: ['session_end'],
        });
        const now = Date.now();
        for (const doc of response.docs) {
          if (!('found' in doc) || !doc.found) continue;
          const want = this.pending.get(doc._id);
          if (want && doc._source?.session_end === want.end) {
            this.found.push(now - want.ackedAt);
            this.pending.delete(doc._id);
          }
        }
      }
      await sleep(200);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
