export { type Pace, StreamPacer } from '@churnstream/replay';
