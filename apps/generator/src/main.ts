import { bootstrapService } from '@churnstream/service-kit';
import { GeneratorModule } from './generator.module';

await bootstrapService({
  service: 'generator',
  defaultPort: 3001,
  module: (config) => GeneratorModule.forRoot(config),
});
