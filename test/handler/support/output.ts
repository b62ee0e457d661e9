import { vi } from 'vitest';

/**
 * What a Lambda prints, captured: Powertools writes log lines (info to stdout, warn/error to stderr) and EMF metric
 * lines (stdout) one JSON object a line. Start before the handler runs; `stop()` restores the streams.
 */
export function captureOutput() {
  const lines: Record<string, any>[] = [];
  const keep = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line));
      } catch {
        /* not one of ours */
      }
    }
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(keep as never);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(keep as never);
  return {
    lines,
    logs: () => lines.filter((l) => !l._aws),
    /** The EMF lines' values of a metric, with the dimensions each was emitted under. */
    metric: (name: string) =>
      lines
        .filter((l) => l._aws?.CloudWatchMetrics?.[0]?.Metrics?.some((m: { Name: string }) => m.Name === name))
        .map((l) => ({
          namespace: l._aws.CloudWatchMetrics[0].Namespace as string,
          dimensions: l._aws.CloudWatchMetrics[0].Dimensions[0] as string[],
          unit: l._aws.CloudWatchMetrics[0].Metrics.find((m: { Name: string }) => m.Name === name).Unit as string,
          value: l[name] as number | number[],
          ...Object.fromEntries((l._aws.CloudWatchMetrics[0].Dimensions[0] as string[]).map((d) => [d, l[d]])),
        })),
    clear: () => {
      lines.length = 0;
    },
    stop: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
