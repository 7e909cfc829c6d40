import { bootstrapService } from '@churnstream/service-kit';
import { EvaluatorModule } from './evaluator.module';

await bootstrapService({
  service: 'evaluator',
  defaultPort: 3005,
  module: (config) => EvaluatorModule.forRoot(config),
});
