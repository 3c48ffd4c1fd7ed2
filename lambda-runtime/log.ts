import { Logger } from './types';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** JSON lines (CloudWatch-friendly) carrying the instance's identity. */
export function jsonLogger(base: Record<string, unknown>, minLevel = process.env.UNUM_LOG_LEVEL ?? 'info'): Logger {
  const min = Math.max(0, LEVELS.indexOf(minLevel as typeof LEVELS[number]));
  const log = (level: typeof LEVELS[number]) => (message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(level) < min) return;
    const line = JSON.stringify({ level, message, ...base, ...fields });
    if (level === 'error' || level === 'warn') console.error(line);
    else console.log(line);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const wrap = (f: Logger['info']) => (message: string, more?: Record<string, unknown>) => f(message, { ...fields, ...more });
  return { debug: wrap(logger.debug), info: wrap(logger.info), warn: wrap(logger.warn), error: wrap(logger.error) };
}
