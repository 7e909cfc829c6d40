import { bootstrapService } from '@churnstream/service-kit';
import { IndexerModule } from './indexer.module';

await bootstrapService({
  service: 'indexer',
  defaultPort: 3004,
  module: (config) => IndexerModule.forRoot(config),
});
