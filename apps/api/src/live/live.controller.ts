import { BadRequestException, Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { SegmentParamsSchema, paramIssues } from '@churnstream/search';
import { LIVE_PAGE } from './live.page';
import { type LiveSummary, LiveService } from './live.service';

/** GET / is the live page; GET /live/summary the numbers it shows (segment filter in the query string). */
@Controller()
export class LiveController {
  constructor(@Inject(LiveService) private readonly live: LiveService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return LIVE_PAGE;
  }

  @Get('live/summary')
  @Header('Cache-Control', 'no-store')
  summary(@Query() filter: Record<string, unknown>): Promise<LiveSummary> {
    const segment = SegmentParamsSchema.safeParse(
      Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== '')),
    );
    if (!segment.success) throw new BadRequestException(paramIssues('live/summary', segment.error));
    return this.live.summary(segment.data);
  }
}
