/** The apps `npm start` supervises, with their default HTTP ports (overridable with PORT per app). */
export interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  args?: string[];
  /** Log file name under .stack/logs (default: name); replicas of one app need their own. */
  logName?: string;
}

export const SERVICES: ServiceSpec[] = [
  { name: 'generator', entry: 'apps/generator/src/main.ts', port: 3001 },
  { name: 'features', entry: 'apps/features/src/main.ts', port: 3002 },
  { name: 'scoring', entry: 'apps/scoring/src/main.ts', port: 3003 },
  { name: 'indexer', entry: 'apps/indexer/src/main.ts', port: 3004 },
  { name: 'api', entry: 'apps/api/src/main.ts', port: 3000 },
];
