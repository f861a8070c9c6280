/** What a countdown shows for `ms` left: whole days apart, then hours, minutes and seconds of two digits. */
export interface Remaining {
  done: boolean;
  days: number;
  hours: string;
  minutes: string;
  seconds: string;
}

export function remaining(ms: number): Remaining {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    done: total === 0,
    days: Math.floor(total / 86400),
    hours: two(Math.floor((total % 86400) / 3600)),
    minutes: two(Math.floor((total % 3600) / 60)),
    seconds: two(total % 60),
  };
}
