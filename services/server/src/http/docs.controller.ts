//! GET /api/openapi.json (the OpenAPI 3.1 document) and GET /api/docs (Swagger UI over it). No token needed, like
//! /health: they describe the API, which CONTRACT section 8 makes public anyway, and hold no data.
import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DOCS_PAGE, DOCS_SECURITY_HEADERS } from './api-docs';
import { openApiDocument } from './openapi';

@Controller('api')
export class DocsController {
  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  openapi(): ReturnType<typeof openApiDocument> {
    return openApiDocument();
  }

  @Get('docs')
  docs(@Res() response: Response): void {
    response.status(200).set(DOCS_SECURITY_HEADERS).type('text/html; charset=utf-8').send(DOCS_PAGE);
  }
}
