// Wall-clock times in a named IANA time zone (the one stored on the profile), which need not be the browser's:
// read a datetime-local value as a time there, and write one. Intl knows every zone's rules, so no table is shipped.

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const pad = (number) => String(number).padStart(2, "0");

function wallClock(date, zone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const part = (type) => Number(parts.find((each) => each.type === type).value);
  return [part("year"), part("month"), part("day"), part("hour") % 24, part("minute"), part("second")];
}

/** How many minutes `zone` is ahead of UTC at the instant `date`. */
export function offsetMinutes(date, zone) {
  const [year, month, day, hour, minute, second] = wallClock(date, zone);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** The instant `date` as a datetime-local value ("2026-05-01T09:30") on the clocks of `zone`. */
export function localValue(date, zone) {
  const [year, month, day, hour, minute] = wallClock(date, zone);
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

/** A datetime-local value read on the clocks of `zone`, as a Date; null when it is not a time. */
export function zonedDate(value, zone) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offset at the guess, then again at the answer: around a clock change the two can differ.
  const guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  return new Date(wall - offsetMinutes(new Date(guess), zone) * 60_000);
}

/** A datetime-local value in `zone` as ISO 8601 with that zone's offset then, e.g. 2026-05-01T09:30:00+02:00. */
export function withOffset(value, zone) {
  const minutes = offsetMinutes(zonedDate(value, zone), zone);
  const sign = minutes >= 0 ? "+" : "-";
  return `${value.slice(0, 16)}:00${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}
