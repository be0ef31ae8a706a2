import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, LevelWithSilent, Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogOptions {
  level: LogLevel;
  /** Where the JSON lines go; stderr unless given (stdout carries the lines for the operator). */
  destination?: DestinationStream;
}

/**
 * Field names that could carry personal data or a secret, wherever they appear in a log entry (top level or
 * one level down): censored. Nothing in the service logs them on purpose (no bodies, no query strings); this
 * is the net under a careless future log call.
 */
const SENSITIVE_FIELDS = ['name', 'email', 'phone', 'jobSeekerNo', 'inPersonDifficulty', 'reason', 'deviceId', 'token', 'authorization', 'cookie'];
const REDACT_PATHS = [...SENSITIVE_FIELDS, ...SENSITIVE_FIELDS.map((field) => `*.${field}`), 'req.headers.authorization', 'req.headers.cookie'];

/** The service's logger: pino, one JSON object per line, ISO times, the level by name. */
export function createLogger(options: LogOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'madoguchi' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    // process.stderr writes synchronously to files and pipes, so no line is lost when the process ends.
    options.destination ?? process.stderr,
  );
}

/** Nest's own start-up chatter (modules loaded, every route mapped): debug, not info. */
const NEST_START_UP = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's logger (every `new Logger(context)` in the service) over pino: the context becomes a field, an
 * object message becomes the entry's fields (its `msg`, the message), and Nest's start-up lines are lowered
 * to debug. Not nestjs-pino: its 5.x keeps one pino-http instance per process (a module-level singleton),
 * so a second application in the same process — two instances on one store, as the tests run them — would
 * silently log with the first one's level and destination; and the request logging it adds would log URLs
 * with their query strings, which may carry a name (A8.1).
 */
export class ServiceLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write(NEST_START_UP.has(params.at(-1) as string) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest's exception handlers call error(message, stack, context).
    const [stack, context] = params.length >= 2 ? params : [undefined, params[0]];
    this.write('error', message, context === undefined ? [] : [context], typeof stack === 'string' ? { stack } : {});
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, params: unknown[], extra: object = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const fields = { ...(context ? { context } : {}), ...extra };
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as { msg?: unknown };
      this.pino[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : undefined);
    } else this.pino[level](fields, String(message));
  }
}
