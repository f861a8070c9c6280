import fs from 'node:fs';

/**
 * Small helpers for benchmarks: percentiles over measured samples, timing, and the machine's CPU. The emulator's own
 * benchmark uses them, and the shop's benchmarks through the public entry (emulator/index.ts).
 */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarize(samples: number[]): { p50: number; p95: number; mean: number } {
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

export function ms(n: number): string {
  return `${n.toFixed(n < 1 ? 3 : 2)} ms`;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

/**
 * The whole machine's CPU time by state since boot (Linux /proc/stat: user, nice, system, idle, iowait, irq, softirq,
 * steal), so a run can say whether the machine was busy, waiting on the disk or short of CPU the hypervisor took.
 */
export function machineCpu(): number[] | undefined {
  try {
    return fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return undefined;
  }
}

export function describeMachineCpu(before: number[] | undefined, after: number[] | undefined): string {
  if (!before || !after) return 'n/a';
  const spent = after.map((v, i) => v - before[i]!);
  const total = spent.reduce((a, b) => a + b, 0) || 1;
  const share = (i: number) => `${Math.round((100 * spent[i]!) / total)}%`;
  return `user ${share(0)}, system ${share(2)}, idle ${share(3)}, I/O wait ${share(4)}, taken by the hypervisor ${share(7)}`;
}
