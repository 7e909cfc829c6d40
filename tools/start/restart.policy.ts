/**
 * When a supervised app that exited is started again: after a delay that doubles with each crash in
 * the recent window (1 s, 2 s, 4 s ... up to 30 s), unless it crashed `maxCrashes` times within
 * `windowMs`, which stops the run (a crash loop needs a human, a one-off crash does not).
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 120_000,
};

export type RestartDecision = { giveUp: true; crashes: number } | { giveUp: false; delayMs: number };

/** `crashes`: the times of earlier crashes (ms); `now`: this one. */
export function nextRestart(
  crashes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision {
  const recent = [...crashes, now].filter((t) => now - t < policy.windowMs).length;
  if (recent >= policy.maxCrashes) return { giveUp: true, crashes: recent };
  return { giveUp: false, delayMs: Math.min(policy.initialDelayMs * 2 ** (recent - 1), policy.maxDelayMs) };
}
