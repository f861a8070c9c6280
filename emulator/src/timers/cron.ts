import { CronExpressionParser } from 'cron-parser';

/**
 * CloudBase timer-trigger cron: 7 fields, `second minute hour day month weekday year`, evaluated in UTC+8 as
 * the platform does (see docs/platform.md). Fields take numbers, `*`, `,` lists, `-` ranges and `/` steps; month and
 * weekday also take names (JAN-DEC, MON-SUN); weekday 0 and 7 are both Sunday. When both day and weekday are
 * restricted, either one matching is enough (as on the platform). cron-parser handles the first six fields;
 * the year field is ours, since cron-parser has none.
 */
export const CRON_TIMEZONE = 'Asia/Shanghai';
const UTC8_OFFSET_MS = 8 * 3600_000;
const MIN_YEAR = 1970;
const MAX_YEAR = 2099;

export class CronError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid cron expression "${expression}": ${reason}`);
    this.name = 'CronError';
  }
}

export interface CronSchedule {
  expression: string;
  /** The first six fields, for cron-parser. */
  sixFields: string;
  /** Allowed years, ascending. */
  years: number[];
}

const FIELD_NAMES = ['second', 'minute', 'hour', 'day', 'month', 'weekday', 'year'] as const;
const NUMERIC = /^[\d*,/-]+$/;
const MONTH_NAMES = /^(?:[\d*,/-]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i;
const DAY_NAMES = /^(?:[\d*,/-]|MON|TUE|WED|THU|FRI|SAT|SUN)+$/i;

/** Parses and validates a 7-field expression; throws CronError with the reason. */
export function parseCron(expression: string): CronSchedule {
  if (typeof expression !== 'string') throw new CronError(String(expression), 'not a string');
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 7)
    throw new CronError(expression, `expected 7 fields (second minute hour day month weekday year), got ${fields.length}`);
  // cron-parser also accepts `?`, `L`, `#` and `H`, which CloudBase does not: refuse them up front.
  fields.forEach((field, i) => {
    const allowed = i === 4 ? MONTH_NAMES : i === 5 ? DAY_NAMES : NUMERIC;
    if (!allowed.test(field)) throw new CronError(expression, `unsupported characters in the ${FIELD_NAMES[i]} field "${field}"`);
  });
  const sixFields = fields.slice(0, 6).join(' ');
  try {
    CronExpressionParser.parse(sixFields, { tz: CRON_TIMEZONE });
  } catch (err) {
    throw new CronError(expression, (err as Error).message);
  }
  return { expression, sixFields, years: parseYears(expression, fields[6]!) };
}

function parseYears(expression: string, field: string): number[] {
  const years = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\d{4}(?:-\d{4})?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(expression, `bad year "${part}" (use *, a year, a range or a list, ${MIN_YEAR}-${MAX_YEAR})`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let [from, to] = [MIN_YEAR, MAX_YEAR];
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-').map(Number) as [number, number | undefined];
      // `2025/2` starts at 2025 and steps to the end, as in the other fields.
      [from, to] = [a, b ?? (m[2] === undefined ? a : MAX_YEAR)];
    }
    if (from < MIN_YEAR || to > MAX_YEAR) throw new CronError(expression, `year "${part}" outside ${MIN_YEAR}-${MAX_YEAR}`);
    if (from > to) throw new CronError(expression, `year range "${part}" runs backwards`);
    if (step < 1) throw new CronError(expression, `year step "${part}" must be at least 1`);
    for (let y = from; y <= to; y += step) years.add(y);
  }
  return [...years].sort((a, b) => a - b);
}

/** The calendar year in UTC+8 (China has no daylight saving time, so a fixed offset is exact). */
function yearInUtc8(date: Date): number {
  return new Date(date.getTime() + UTC8_OFFSET_MS).getUTCFullYear();
}

/** Next firing strictly after `after`, or null if there is none (e.g. every allowed year is past). */
export function nextFireTime(expr: string | CronSchedule, after: Date): Date | null {
  const schedule = typeof expr === 'string' ? parseCron(expr) : expr;
  let cursor = after;
  // Each round either matches or jumps to a later allowed year, so the year list bounds the search.
  for (let round = 0; round <= schedule.years.length; round++) {
    let candidate: Date;
    try {
      candidate = CronExpressionParser.parse(schedule.sixFields, { tz: CRON_TIMEZONE, currentDate: cursor }).next().toDate();
    } catch {
      return null;
    }
    const year = yearInUtc8(candidate);
    if (schedule.years.includes(year)) return candidate;
    const nextYear = schedule.years.find((y) => y > year);
    if (nextYear === undefined) return null;
    // One millisecond before 00:00:00 on 1 January of that year, UTC+8, so a firing at that instant still counts.
    cursor = new Date(Date.UTC(nextYear, 0, 1) - UTC8_OFFSET_MS - 1);
  }
  return null;
}
