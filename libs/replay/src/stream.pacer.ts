/**
 * When each event may be sent, so that a run holds a steady event rate (`rate`, events per real
 * second) or replays simulated time at a fixed speed (`speed`, simulated seconds per real second),
 * or neither (as fast as the broker takes it). Pure: callers pass the clock readings.
 */
export type Pace =
  { kind: 'max' } | { kind: 'rate'; eventsPerSecond: number } | { kind: 'speed'; factor: number };

export class StreamPacer {
  private firstEventTimeMs: number | null = null;

  /**
   * `paceFromMs`: at a simulated speed, events before this simulated instant (the history of
   * registrations before the session window) go out at once, and the clock starts there; otherwise a
   * live run would spend its first minutes replaying years of sign-ups.
   */
  constructor(
    private readonly pace: Pace,
    private readonly startedRealMs: number,
    private readonly paceFromMs = Number.NEGATIVE_INFINITY,
  ) {}

  /** Real time (ms since the epoch, same clock as startedRealMs) at which event number `index` is due. */
  dueAt(index: number, eventTimeMs: number): number {
    switch (this.pace.kind) {
      case 'max':
        return this.startedRealMs;
      case 'rate':
        return this.startedRealMs + (index / this.pace.eventsPerSecond) * 1000;
      case 'speed': {
        const t = Math.max(eventTimeMs, this.paceFromMs);
        this.firstEventTimeMs ??= t;
        return this.startedRealMs + (t - this.firstEventTimeMs) / this.pace.factor;
      }
    }
  }
}
