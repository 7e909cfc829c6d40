import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { ServiceKitModule } from '@churnstream/service-kit';

/** The indexer service: Sinks customers, sessions and scores into Elasticsearch. */
@Module({})
export class IndexerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'indexer', config, dependencies: ['kafka', 'elasticsearch'] }),
      ],
    };
  }
}
