import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { ServiceKitModule } from '@churnstream/service-kit';

/** The generator service: Streams the simulated population onto Kafka. */
@Module({})
export class GeneratorModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: GeneratorModule,
      imports: [ServiceKitModule.forRoot({ service: 'generator', config, dependencies: ['kafka'] })],
    };
  }
}
