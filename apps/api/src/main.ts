import { bootstrapService } from '@churnstream/service-kit';
import { ApiModule } from './api.module';

await bootstrapService({
  service: 'api',
  defaultPort: 3000,
  module: (config) => ApiModule.forRoot(config),
});
