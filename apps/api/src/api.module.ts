import { type DynamicModule, Module } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { ElasticsearchSearchBackend, searchIndexNames } from '@churnstream/search';
import { CONFIG, ELASTICSEARCH, KAFKA, ServiceKitModule } from '@churnstream/service-kit';
import { LiveController } from './live/live.controller';
import { LiveRepository } from './live/live.repository';
import { LiveService } from './live/live.service';
import { SEARCH_BACKEND } from './api.tokens';
import { DocsController } from './docs.controller';
import { QueriesController } from './queries.controller';
import { QueryService } from './query.service';

/** The query API: the canned queries over HTTP (documented at /openapi.json and /docs) and the live page. */
@Module({})
export class ApiModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'api', config, dependencies: ['elasticsearch', 'kafka'] }),
      ],
      controllers: [QueriesController, DocsController, LiveController],
      providers: [
        {
          provide: SEARCH_BACKEND,
          useFactory: (es: Client) => new ElasticsearchSearchBackend(es),
          inject: [ELASTICSEARCH],
        },
        QueryService,
        {
          provide: LiveService,
          useFactory: (es: Client, kafka: Kafka, c: Config, queries: QueryService) =>
            new LiveService(
              new LiveRepository(es, kafka, searchIndexNames(c.ES_INDEX_PREFIX), c.TOPIC_PREFIX),
              (name, params) => queries.run(name, params),
              c.TOPIC_PREFIX,
            ),
          inject: [ELASTICSEARCH, KAFKA, CONFIG, QueryService],
        },
      ],
    };
  }
}
