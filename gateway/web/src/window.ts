// The time window: presets and any range of days, the days counted in Baghdad time.
export interface TimeWindow {
  preset: "last7" | "last30" | "custom";
  start: Date;
  end: Date;
}

const day = 24 * 3600 * 1000;
const baghdadOffset = 3 * 3600 * 1000; // Asia/Baghdad has kept UTC+3 all year since 2008

export function preset(p: "last7" | "last30", now = new Date()): TimeWindow {
  return { preset: p, start: new Date(now.getTime() - (p === "last7" ? 7 : 30) * day), end: now };
}

// dayInput is the Baghdad calendar day of d, as a date input's value.
export function dayInput(d: Date): string {
  return new Date(d.getTime() + baghdadOffset).toISOString().slice(0, 10);
}

// startOfDay is the instant a Baghdad calendar day ("2021-12-01") begins.
export function startOfDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) - baghdadOffset);
}

// custom is the window from the start of the first day to the end of the last.
export function custom(from: string, to: string): TimeWindow | null {
  const start = startOfDay(from);
  const last = startOfDay(to);
  if (!start || !last || last < start) return null;
  return { preset: "custom", start, end: new Date(last.getTime() + day) };
}

// lastDay is the last Baghdad day a window holds, for its "to" input.
export function lastDay(w: TimeWindow): string {
  return dayInput(new Date(w.end.getTime() - 1));
}
