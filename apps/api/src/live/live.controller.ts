import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { LIVE_PAGE } from './live.page';
import { type LiveSummary, LiveService } from './live.service';

/** GET / is the live page; GET /live/summary the numbers it shows. */
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
    return this.live.summary(filter);
  }
}
