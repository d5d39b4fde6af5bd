import type SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpPoolOptions {
  /** `smtp://user:pass@host:587`, `smtps://…`; query parameters as nodemailer reads them (`?tls.rejectUnauthorized=false`). */
  url: string;
  /** Connections open at most; a send waits for one while all are busy. */
  connections: number;
  /** Messages sent on a connection before it is closed and a fresh one opened. */
  messagesPerConnection: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

interface Pooled {
  connection: SMTPConnection;
  sent: number;
  /** The server or the network closed it (while idle, say); never handed out again. */
  closed: boolean;
}

/**
 * Finished messages (bytes and envelope) sent over a few SMTP connections
 * kept open, each speaking through nodemailer's SMTPConnection (greeting,
 * EHLO, STARTTLS, AUTH, dot-stuffing, timeouts). nodemailer's own pool takes
 * a message through its mailer's plugins, its composer (which parses even a
 * raw message and makes it a message id) and a read stream: in a
 * micro-benchmark, 0.53-0.64 ms of CPU a 12 KB message against 0.24-0.31
 * through the connection alone. What its pool does besides, this one does
 * too: a connection closed while idle is dropped, not reused; one that sent
 * `messagesPerConnection` is replaced; a message the server refuses
 * (a 5xx to the envelope or the data) leaves the connection in use after a
 * RSET; any other failure closes it. A failed send rejects: the job queue
 * retries the message.
 */
export class SmtpPool {
  private readonly idle: Pooled[] = [];
  private readonly waiting: (() => void)[] = [];
  private busy = 0;
  private closing = false;
  private options?: SMTPConnection.Options;
  private Connection?: typeof SMTPConnection;

  constructor(private readonly settings: SmtpPoolOptions) {}

  async send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<void> {
    if (this.closing) throw new Error('the SMTP pool is closed');
    await this.slot();
    try {
      const pooled = this.takeIdle() ?? (await this.connect());
      try {
        // A copy: SMTPConnection keeps the envelope it is given as its own state (accepted, rejected, pipelined), so two
        // connections given one object would read each other's replies.
        const own = { from: envelope.from, to: [...envelope.to] };
        await settled(pooled.connection, (done) => pooled.connection.send(own, raw, (error) => done(error)));
      } catch (error) {
        await this.afterFailure(pooled, error as SMTPConnection.SMTPError);
        throw error;
      }
      pooled.sent++;
      this.putBack(pooled);
    } finally {
      this.busy--;
      this.waiting.shift()?.();
    }
  }

  /** Connections open and waiting for a message. */
  get idleConnections(): number {
    return this.idle.filter((pooled) => !pooled.closed).length;
  }

  /** Sends QUIT on the idle connections; the busy ones close when their message is sent. */
  close(): void {
    this.closing = true;
    for (const pooled of this.idle.splice(0)) pooled.connection.quit();
  }

  private slot(): Promise<void> {
    if (this.busy < this.settings.connections) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.busy++;
        resolve();
      }),
    );
  }

  private takeIdle(): Pooled | undefined {
    for (let pooled = this.idle.pop(); pooled; pooled = this.idle.pop()) if (!pooled.closed) return pooled;
    return undefined;
  }

  private putBack(pooled: Pooled): void {
    if (pooled.closed) return;
    if (this.closing || pooled.sent >= this.settings.messagesPerConnection) {
      pooled.closed = true;
      pooled.connection.quit();
      return;
    }
    this.idle.push(pooled);
  }

  private async afterFailure(pooled: Pooled, error: SMTPConnection.SMTPError): Promise<void> {
    const refused = (error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== 421;
    if (refused && !pooled.closed) {
      const reset = await settled(pooled.connection, (done) => pooled.connection.reset((resetError) => done(resetError))).then(
        () => true,
        () => false,
      );
      if (reset) return this.putBack(pooled);
    }
    pooled.closed = true;
    pooled.connection.close();
  }

  private async connect(): Promise<Pooled> {
    if (!this.Connection || !this.options) {
      // Loaded at the first message, off the start-up path.
      const [{ default: Connection }, { parseConnectionUrl }] = await Promise.all([import('nodemailer/lib/smtp-connection'), import('nodemailer/lib/shared')]);
      this.Connection = Connection;
      this.options = parseConnectionUrl(this.settings.url);
    }
    const { connectionTimeout, greetingTimeout, socketTimeout } = this.settings;
    const connection = new this.Connection({ ...this.options, connectionTimeout, greetingTimeout, socketTimeout });
    const pooled: Pooled = { connection, sent: 0, closed: false };
    // A connection the server drops while it waits in the pool says so by 'error' or 'end'; an 'error' without a listener would end the process.
    connection.on('error', () => (pooled.closed = true));
    connection.on('end', () => (pooled.closed = true));
    try {
      await settled(connection, (done) => connection.connect((error) => done(error)));
      // As nodemailer's own transport: log in when the URL has a user and the server offers AUTH (or the URL forces it).
      const { auth, authMethod, forceAuth } = this.options as { auth?: { user?: string; pass?: string }; authMethod?: string; forceAuth?: boolean };
      if (auth?.user && (connection.allowsAuth || forceAuth)) {
        const credentials = { credentials: { user: auth.user, pass: auth.pass ?? '' }, method: authMethod };
        await settled(connection, (done) => connection.login(credentials, (error) => done(error)));
      }
    } catch (error) {
      pooled.closed = true;
      connection.close();
      throw error;
    }
    return pooled;
  }
}

/**
 * Runs one step of the dialogue (connect, login, send, RSET) and settles when
 * its callback comes, or when the connection fails or ends first: nodemailer
 * drops a waiting step's callback when the socket errs or times out (only a
 * send's is always called), and a promise that never settles would hold its
 * slot of the pool for ever.
 */
function settled(connection: SMTPConnection, step: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error | null) => {
      connection.removeListener('error', onError);
      connection.removeListener('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onError = (error: Error) => finish(error);
    const onEnd = () => finish(Object.assign(new Error('the SMTP server closed the connection'), { code: 'ECONNECTION' }));
    connection.once('error', onError);
    connection.once('end', onEnd);
    step(finish);
  });
}
