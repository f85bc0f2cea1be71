/**
 * A one-line progress bar on a terminal (stderr), for audits of many containers or hosts:
 * `[██████░░░░] 60/100 containers · 1/2 hosts`. Redraws at most every 50 ms; `done()` erases it.
 * Not a dependency: cli-progress is not installed, and one line needs little code.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private readonly totals = new Map<string, { done: number; total: number }>();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly hosts: number,
  ) {}

  update(target: string, done: number, total: number): void {
    this.totals.set(target, { done, total });
    const now = Date.now();
    if (now - this.last < 50 && done < total) return;
    this.last = now;
    this.draw();
  }

  private draw(): void {
    let done = 0;
    let total = 0;
    for (const t of this.totals.values()) {
      done += t.done;
      total += t.total;
    }
    const finishedHosts = [...this.totals.values()].filter((t) => t.done === t.total).length;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 45));
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const hosts = this.hosts > 1 ? ` · ${finishedHosts}/${this.hosts} hosts` : "";
    this.stream.write(`\r[${bar}] ${done}/${total} containers${hosts}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }
}
