import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { ServiceKitModule } from '@churnstream/service-kit';

/** The scoring service: Scores customers with the churn model. */
@Module({})
export class ScoringModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ScoringModule,
      imports: [ServiceKitModule.forRoot({ service: 'scoring', config, dependencies: ['kafka'] })],
    };
  }
}
