import { bootstrapService } from '@churnstream/service-kit';
import { ScoringModule } from './scoring.module';

await bootstrapService({
  service: 'scoring',
  defaultPort: 3003,
  module: (config) => ScoringModule.forRoot(config),
});
