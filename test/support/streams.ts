import { EventSource } from 'eventsource';
import { get, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { SeatStatus } from './seats';
import { waitFor } from './wait';

export interface SeatEvent {
  seat_number: number;
  status: SeatStatus;
}

/** How long the stream specs wait for something to happen over a stream, unless a test says otherwise. */
export const WAIT_MS = 5000;

/** A real EventSource client on one show's stream, recording every `seat` event. */
export class SeatStream {
  readonly events: SeatEvent[] = [];
  private readonly source: EventSource;

  private constructor(url: string) {
    this.source = new EventSource(url);
    this.source.addEventListener('seat', (event) => {
      this.events.push(JSON.parse(event.data) as SeatEvent);
    });
  }

  /** Resolves once the server has accepted the stream (and so subscribed it to the show). */
  static open(baseUrl: string, showId: number): Promise<SeatStream> {
    const stream = new SeatStream(`${baseUrl}/shows/${showId}/seats/stream`);
    return new Promise((resolve, reject) => {
      stream.source.onopen = () => resolve(stream);
      stream.source.onerror = (error) => {
        stream.close();
        reject(new Error(`stream for show ${showId} failed: ${error.message ?? error.code}`));
      };
    });
  }

  /** Waits for the stream to have received `count` events in all. */
  async received(count: number, timeoutMs = WAIT_MS): Promise<SeatEvent[]> {
    await waitFor(`${count} seat events (have ${JSON.stringify(this.events)})`, () => this.events.length >= count, timeoutMs);
    return this.events;
  }

  close(): void {
    this.source.close();
  }
}

/** A plain HTTP client on the stream, for what EventSource hides: comment lines, the end of the stream. */
export class RawStream {
  text = '';
  ended = false;

  private constructor(
    readonly response: IncomingMessage,
    private readonly destroy: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (this.text += chunk));
    response.on('close', () => (this.ended = true));
  }

  static open(url: string): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const request = get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => resolve(new RawStream(response, () => request.destroy())));
      request.on('error', reject);
    });
  }

  get status(): number | undefined {
    return this.response.statusCode;
  }

  get headers(): IncomingHttpHeaders {
    return this.response.headers;
  }

  async waitForText(fragment: string, timeoutMs = WAIT_MS): Promise<void> {
    await waitFor(`"${fragment.trim()}" on the stream (have ${JSON.stringify(this.text)})`, () => this.text.includes(fragment), timeoutMs);
  }

  close(): void {
    this.destroy();
  }
}

/** The streams one spec file opens; `closeAll()` in an afterEach closes whatever a test left open. */
export class OpenStreams {
  private readonly open: { close(): void }[] = [];

  async seat(baseUrl: string, showId: number): Promise<SeatStream> {
    return this.track(await SeatStream.open(baseUrl, showId));
  }

  async raw(url: string): Promise<RawStream> {
    return this.track(await RawStream.open(url));
  }

  closeAll(): void {
    for (const stream of this.open.splice(0)) stream.close();
  }

  private track<T extends { close(): void }>(stream: T): T {
    this.open.push(stream);
    return stream;
  }
}
