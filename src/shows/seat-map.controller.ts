import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { clientIp } from '../limits/client-ip';
import { StreamCaps } from '../limits/stream-caps';
import { SeatMapResponse } from './dto/seat-map.dto';
import { etagMatches, SeatMapService } from './seat-map.service';

const MAX_UNREAD_BYTES = 1024 * 1024;

@ApiTags('seats')
@Controller('shows/:id/seats')
export class SeatMapController {
  constructor(
    private readonly seatMap: SeatMapService,
    private readonly events: SeatEventsService,
    private readonly caps: StreamCaps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Every seat of a show with its status; answers If-None-Match with 304' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a seat map you have', schema: { type: 'string' } })
  @ApiOkResponse({
    type: SeatMapResponse,
    headers: {
      ETag: { description: 'Changes whenever a seat of the show changes', schema: { type: 'string' } },
      'Cache-Control': { description: 'no-cache: revalidate with If-None-Match', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag you sent', headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND')
  async seats(@Param('id', ParseIdPipe) showId: number, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { body, etag } = await this.seatMap.render(showId);
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  @Public()
  @Get('stream')
  @ApiOperation({
    summary: 'Server-Sent Events: one `seat` event {seat_number, status} per change of a seat of this show',
    description: 'Changes made through any app instance arrive within a second. Comment lines keep idle connections open.',
  })
  @ApiResponse({
    status: 200,
    description: 'An endless stream: `event: seat` with `data: {"seat_number":12,"status":"held"}` per change; comment lines as heartbeats',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'event: seat\ndata: {"seat_number":12,"status":"held"}\n\n' } },
  })
  @ApiProblems('VALIDATION_FAILED', 'SHOW_NOT_FOUND', 'RATE_LIMITED')
  async stream(@Param('id', ParseIdPipe) showId: number, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.seatMap.assertShowExists(showId);
    // The client may have left while we looked the show up: subscribing it now would leak a listener.
    if (request.raw.destroyed || reply.raw.destroyed) return;
    const release = this.caps.open(clientIp(request));
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      // Headers hooks already set (CORS, request id) would be lost with a hijacked reply.
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 2000\n: subscribed to show ${showId}\n\n`);
    // A client that stops reading is cut off rather than buffered for without end.
    const send = (text: string) => (raw.writableLength > MAX_UNREAD_BYTES ? raw.destroy() : raw.write(text));
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), this.config.sseHeartbeatSeconds * 1000);
    const unsubscribe = this.events.subscribe(
      showId,
      (event) => send(`event: seat\ndata: ${JSON.stringify(event)}\n\n`),
      // This instance is going away: say so, end the stream and its connection; EventSource reconnects (to another instance).
      () => raw.end(': this server is shutting down; reconnect\n\n', () => raw.socket?.end()),
    );
    raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      release();
    });
  }
}
