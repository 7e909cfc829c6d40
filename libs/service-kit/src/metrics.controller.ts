import { Controller, Get, Header, Inject } from '@nestjs/common';
import { METRICS } from './service-kit.tokens';
import type { ServiceMetrics } from './metrics.registry';

/** GET /metrics in Prometheus' text format. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
