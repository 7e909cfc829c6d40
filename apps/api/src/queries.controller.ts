import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { QueryService } from './query.service';

/** GET /queries lists the canned queries; GET /queries/:name runs one (parameters in the query string). */
@Controller('queries')
export class QueriesController {
  constructor(@Inject(QueryService) private readonly queries: QueryService) {}

  @Get()
  list() {
    return this.queries.list();
  }

  @Get(':name')
  async run(@Param('name') name: string, @Query() params: Record<string, unknown>): Promise<unknown> {
    const outcome = await this.queries.run(name, params);
    if (outcome.status === 'invalid') throw new BadRequestException(outcome.message);
    if (outcome.status === 'not_found') throw new NotFoundException(outcome.message);
    return outcome.result;
  }
}
