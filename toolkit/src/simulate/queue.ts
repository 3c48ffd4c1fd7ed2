import { FunctionInvocation } from './invocation';

/** A FIFO with O(1) shift, since a million queued calls would make Array.shift quadratic. */
export class InvocationQueue {
  private items: FunctionInvocation[] = [];
  private head = 0;

  public get length(): number {
    return this.items.length - this.head;
  }

  public push(inv: FunctionInvocation): void {
    this.items.push(inv);
  }

  public peek(): FunctionInvocation | undefined {
    return this.items[this.head];
  }

  public shift(): FunctionInvocation | undefined {
    const inv = this.items[this.head];
    if (inv === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return inv;
  }

  public popLast(): FunctionInvocation | undefined {
    return this.length > 0 ? this.items.pop() : undefined;
  }
}
