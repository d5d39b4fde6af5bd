/**
 * A kind of job: its queue's name and the shape of its data. Declared by the
 * module that does the work (`new JobKind<{ bookingId: number }>('mail.booking-confirmed')`),
 * registered with its handler once (`Jobs.register`), added inside the
 * transaction of the change that causes it (`Jobs.add(tx, kind, data)`).
 */
export class JobKind<Data extends object> {
  /** Phantom: carries `Data` in the type only. */
  declare readonly data?: Data;

  constructor(
    readonly name: string,
    readonly options: JobKindOptions = {},
  ) {
    if (!/^[a-z][a-z0-9.-]*$/.test(name)) throw new Error(`job kind names are lower-case words with dots and dashes: "${name}"`);
  }
}

export interface JobKindOptions {
  /** Tries after the first; the queue's settings (JOB_RETRY_LIMIT) otherwise. */
  retryLimit?: number;
  /**
   * At most one job of the kind waiting at a time (pg-boss's "stately" policy):
   * a second add while one waits is dropped. For housekeeping that any one run covers.
   */
  oneAtATime?: boolean;
}

/** One job as its handler receives it. */
export interface Job<Data extends object> {
  id: string;
  data: Data;
}

export type JobHandler<Data extends object> = (job: Job<Data>) => Promise<void>;
