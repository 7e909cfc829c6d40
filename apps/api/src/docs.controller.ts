import { Controller, Get, Header } from '@nestjs/common';
import { buildOpenApiDocument, renderDocsPage } from './openapi.document';

/** GET /openapi.json and GET /docs (a static page rendered from the same document). */
@Controller()
export class DocsController {
  private readonly document = buildOpenApiDocument();
  private readonly page = renderDocsPage(this.document);

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return this.page;
  }
}
