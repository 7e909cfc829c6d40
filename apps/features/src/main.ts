import { bootstrapService } from '@churnstream/service-kit';
import { FeaturesModule } from './features.module';

await bootstrapService({
  service: 'features',
  defaultPort: 3002,
  module: (config) => FeaturesModule.forRoot(config),
});
