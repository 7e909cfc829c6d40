import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { ServiceKitModule } from '@churnstream/service-kit';

/** The features service: Keeps per-customer rolling aggregates in Redis and flags churn. */
@Module({})
export class FeaturesModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: FeaturesModule,
      imports: [ServiceKitModule.forRoot({ service: 'features', config, dependencies: ['kafka', 'redis'] })],
    };
  }
}
