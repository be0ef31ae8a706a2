/** The clock port: the only way any code learns the time. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('Clock');
