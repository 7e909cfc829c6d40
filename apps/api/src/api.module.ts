import { type DynamicModule, Module } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '@churnstream/config';
import { ElasticsearchSearchBackend } from '@churnstream/search';
import { ELASTICSEARCH, ServiceKitModule } from '@churnstream/service-kit';
import { SEARCH_BACKEND } from './api.tokens';
import { DocsController } from './docs.controller';
import { QueriesController } from './queries.controller';
import { QueryService } from './query.service';

/** The query API: the canned queries over HTTP, documented at /openapi.json and /docs. */
@Module({})
export class ApiModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ApiModule,
      imports: [ServiceKitModule.forRoot({ service: 'api', config, dependencies: ['elasticsearch'] })],
      controllers: [QueriesController, DocsController],
      providers: [
        {
          provide: SEARCH_BACKEND,
          useFactory: (es: Client) => new ElasticsearchSearchBackend(es),
          inject: [ELASTICSEARCH],
        },
        QueryService,
      ],
    };
  }
}
