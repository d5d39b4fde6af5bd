import { Injectable } from '@nestjs/common';

/**
 * The one source of "now" for rules that depend on time (show started, hold
 * expired). SQL receives this time as a parameter instead of calling now(), so
 * tests can move the clock and the database agrees.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests can set and advance. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  override now(): Date {
    return new Date(this.current);
  }

  set(date: Date): void {
    this.current = date.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
