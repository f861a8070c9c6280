/** Times as the merchant reads them: Beijing time, whatever the browser's zone. */

const FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** ISO 8601 → "2026/12/05 16:30". */
export function dateTime(iso: string | undefined): string {
  return iso ? FORMAT.format(new Date(iso)) : '—';
}

/** Today in Beijing as YYYY-MM-DD, `offsetDays` from today. */
export function beijingDay(offsetDays = 0, now = Date.now()): string {
  return new Date(now + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A datetime-local input's value (Beijing) → ISO 8601 with +08:00. */
export function fromBeijingInput(local: string): string {
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

/** ISO 8601 → a datetime-local value in Beijing time ("2026-12-05T16:30"). */
export function toBeijingInput(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}
