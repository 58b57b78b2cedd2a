//! GET /health: 200 when the process can serve (no token needed). Also under the API's base path, /api/v1/health:
//! CONTRACT section 8 lists it beside paths under that base, so a client may ask either.
import { Controller, Get } from '@nestjs/common';

@Controller(['health', 'api/v1/health'])
export class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
