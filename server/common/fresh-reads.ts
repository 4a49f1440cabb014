/**
 * Runs `read` for many callers at once, never answering a caller with a read that began before
 * it called (that read could miss a change made just before the call): a caller arriving while
 * a read is under way waits for the next one, which begins as that one ends and answers every
 * caller that arrived meanwhile. One read per caller when callers come one at a time; a few per
 * burst when they come together.
 */
export class FreshReads<T> {
  private current: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.current) return this.begin();
    this.next ??= this.current.then(() => undefined, () => undefined).then(() => {
      this.next = undefined;
      return this.begin();
    });
    return this.next;
  }

  private begin(): Promise<T> {
    const read = this.read();
    this.current = read;
    const done = () => {
      if (this.current === read) this.current = undefined;
    };
    read.then(done, done);
    return read;
  }
}
