// Timers a test moves by hand (`advance(ms)`): the socket's heartbeat and backoff without real waiting.
import type { Timers } from "../services/timers";

interface Task {
  id: number;
  at: number;
  callback: () => void;
  every: number | null;
}

export class ManualTimers implements Timers {
  private clock = 1_000_000;
  private counter = 0;
  private tasks: Task[] = [];

  now(): number {
    return this.clock;
  }

  setTimeout(callback: () => void, ms: number): number {
    return this.add(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): number {
    return this.add(callback, ms, ms);
  }

  clearTimeout(handle: number): void {
    this.tasks = this.tasks.filter((task) => task.id !== handle);
  }

  clearInterval(handle: number): void {
    this.clearTimeout(handle);
  }

  /** Pending timers (for assertions such as "a retry is scheduled"). */
  get pending(): number {
    return this.tasks.length;
  }

  /** Move the clock, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      const next = [...this.tasks].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > end) break;
      this.clock = next.at;
      if (next.every === null) this.clearTimeout(next.id);
      else next.at += next.every;
      next.callback();
    }
    this.clock = end;
  }

  private add(callback: () => void, ms: number, every: number | null): number {
    this.counter += 1;
    this.tasks.push({ id: this.counter, at: this.clock + Math.max(0, ms), callback, every });
    return this.counter;
  }
}
