/**
 * CPU time of the processes a pipeline run depends on (each app, each server), read from
 * /proc/<pid>/stat (user + system, children not included), so that a benchmark can say what one
 * activity event costs in each stage. On a noisy machine this is steadier than a rate: it does not
 * depend on who else had the cores.
 */
import { readFileSync } from 'node:fs';
import { processGroupMembers, readPidFile } from '../stack/process.util';
import { SERVER_NAMES } from '../stack/server.types';
import { serverPaths } from '../stack/stack.paths';

/** Linux reports /proc times in clock ticks of 1/100 s on every architecture Node supports. */
const MICROS_PER_TICK = 10_000;

export interface CpuSource {
  /** The stage the time is charged to ("features", "kafka", ...); replicas share one name. */
  readonly name: string;
  /** The processes that make it up now (a server's whole process group, an app's pid). */
  pids(): readonly number[];
}

/** CPU microseconds used so far, by stage name. */
export type CpuReading = ReadonlyMap<string, number>;

function processCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return 0;
  }
}

export function readCpu(sources: readonly CpuSource[]): CpuReading {
  const reading = new Map<string, number>();
  for (const source of sources) {
    let micros = 0;
    for (const pid of source.pids()) micros += processCpuMicros(pid);
    reading.set(source.name, (reading.get(source.name) ?? 0) + micros);
  }
  return reading;
}

/** The local stack's servers, found by their pid files (each runs as its own process group). */
export function stackCpuSources(): CpuSource[] {
  return SERVER_NAMES.map((server) => ({
    name: server,
    pids: () => {
      const pid = readPidFile(serverPaths(server).pid);
      return pid === undefined ? [] : processGroupMembers(pid);
    },
  }));
}

/** This process: the load generator (and a benchmark's samplers), reported apart from the pipeline. */
export const selfCpuSource = (name: string): CpuSource => ({ name, pids: () => [process.pid] });

export interface StageCost {
  stage: string;
  /** CPU microseconds per activity event over the window. */
  usPerEvent: number;
  /** Average cores busy over the window. */
  cores: number;
}

export interface CpuCost {
  /** The pipeline's stages (apps and servers), most expensive first. */
  stages: StageCost[];
  /** Their sum: what the pipeline costs per activity event. */
  pipelineUsPerEvent: number;
  /** Stages left out of the total (the load generator), reported on their own. */
  outside: StageCost[];
}

/** What each stage cost per activity event between two readings. Pure. */
export function cpuCost(
  before: CpuReading,
  after: CpuReading,
  events: number,
  seconds: number,
  outsideNames: readonly string[] = [],
): CpuCost {
  const cost = (stage: string): StageCost => {
    const micros = Math.max(0, (after.get(stage) ?? 0) - (before.get(stage) ?? 0));
    return {
      stage,
      usPerEvent: events > 0 ? micros / events : Number.NaN,
      cores: seconds > 0 ? micros / 1e6 / seconds : Number.NaN,
    };
  };
  const names = [...after.keys()];
  const stages = names
    .filter((n) => !outsideNames.includes(n))
    .map(cost)
    .sort((a, b) => b.usPerEvent - a.usPerEvent);
  return {
    stages,
    pipelineUsPerEvent: stages.reduce((sum, s) => sum + s.usPerEvent, 0),
    outside: names.filter((n) => outsideNames.includes(n)).map(cost),
  };
}

/** `{ stage: µs per event }`, rounded, for the JSON line (the pipeline's total as "pipeline"). */
export function cpuCostJson(cost: CpuCost): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of [...cost.stages, ...cost.outside]) out[s.stage] = Math.round(s.usPerEvent);
  out.pipeline = Math.round(cost.pipelineUsPerEvent);
  return out;
}
