/**
 * Who holds which item while the custody rules run (internal). Events naming `"all"` items are applied in
 * constant time (a bundle may have many items and a log many such events), so the rules stay linear in the
 * size of the log: an "all" assignment is one record with a clock value, and an item's custodian is its own
 * assignment or the "all" one, whichever is later.
 */
export class CustodyHoldings {
  #clock = 0;
  // `since`: the seq of the event from which the holder holds the item (its first event, or a receipt).
  readonly #own = new Map<string, { kid: string; at: number; since: number }>();
  #everyone: { kid: string; at: number; since: number } | undefined;
  readonly #closed = new Map<string, number>();
  #allClosedAt: number | undefined;
  /** Active items per custodian kid. */
  #held = new Map<string, number>();
  #unheld: number;
  #active: number;

  constructor(readonly itemIds: ReadonlySet<string>) {
    this.#active = itemIds.size;
    this.#unheld = itemIds.size;
  }

  /** The seq of the event that closed the item's custody (returned or destroyed), if any. */
  closedAt(id: string): number | undefined {
    return this.#allClosedAt ?? this.#closed.get(id);
  }

  /** Closed items among `items`, at most `limit` of them, for messages. */
  closedAmong(items: readonly string[] | 'all', limit = 5): string[] {
    if (items !== 'all') return items.filter((id) => this.closedAt(id) !== undefined).slice(0, limit);
    if (this.#allClosedAt !== undefined) return [...this.itemIds].slice(0, limit);
    return [...this.#closed.keys()].slice(0, limit);
  }

  /** The kid holding an item, or undefined when nobody holds it yet or its custody ended. */
  custodian(id: string): string | undefined {
    return this.#holding(id)?.kid;
  }

  /** The seq of the event from which the custodian of an item holds it, or undefined when nobody holds it. */
  heldSince(id: string): number | undefined {
    return this.#holding(id)?.since;
  }

  /** Active items among `items` that `kid` does not hold: their ids, or their number for "all". */
  notHeldBy(kid: string, items: readonly string[] | 'all'): string[] | number {
    if (items !== 'all') return items.filter((id) => this.closedAt(id) === undefined && this.custodian(id) !== kid);
    return this.#active - (this.#held.get(kid) ?? 0);
  }

  /** Number of active items. */
  get active(): number {
    return this.#active;
  }

  /** Makes `kid` the custodian of the active items among `items` that nobody holds yet, from event `seq`. */
  claimUnheld(kid: string, items: readonly string[] | 'all', seq: number): void {
    if (this.#unheld === 0) return;
    if (items === 'all') {
      // Older than every own assignment, so it only fills the items nobody holds.
      this.#everyone = { kid, at: -1, since: seq };
      this.#add(kid, this.#unheld);
      this.#unheld = 0;
      return;
    }
    for (const id of items) if (this.closedAt(id) === undefined && this.custodian(id) === undefined) this.#set(id, kid, seq);
  }

  /** Makes `kid` the custodian of the active items among `items` (a receipt, event `seq`). */
  assign(kid: string, items: readonly string[] | 'all', seq: number): void {
    if (items !== 'all') {
      for (const id of items) if (this.closedAt(id) === undefined) this.#set(id, kid, seq);
      return;
    }
    this.#everyone = { kid, at: ++this.#clock, since: seq };
    this.#held = new Map(this.#active > 0 ? [[kid, this.#active]] : []);
    this.#unheld = 0;
  }

  /** Ends the custody of the active items among `items` (returned or destroyed) at event `seq`. */
  close(seq: number, items: readonly string[] | 'all'): void {
    if (items === 'all') {
      this.#allClosedAt ??= seq;
      this.#held.clear();
      this.#active = 0;
      this.#unheld = 0;
      return;
    }
    for (const id of items) {
      if (this.closedAt(id) !== undefined) continue;
      const holder = this.custodian(id);
      if (holder === undefined) this.#unheld--;
      else this.#add(holder, -1);
      this.#closed.set(id, seq);
      this.#active--;
    }
  }

  /** Item id -> custodian kid, for the items someone holds, sorted by id. */
  snapshot(): Record<string, string> {
    const out: Array<[string, string]> = [];
    for (const id of this.itemIds) {
      const kid = this.custodian(id);
      if (kid !== undefined) out.push([id, kid]);
    }
    out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(out);
  }

  #holding(id: string): { kid: string; since: number } | undefined {
    if (this.closedAt(id) !== undefined) return undefined;
    const own = this.#own.get(id);
    const everyone = this.#everyone;
    return everyone !== undefined && (own === undefined || own.at < everyone.at) ? everyone : own;
  }

  #set(id: string, kid: string, since: number): void {
    const holder = this.custodian(id);
    if (holder === undefined) this.#unheld--;
    else if (holder !== kid) this.#add(holder, -1);
    if (holder !== kid) this.#add(kid, 1);
    // A receipt by the holder itself still renews `since`: custody is then established by that receipt.
    this.#own.set(id, { kid, at: ++this.#clock, since });
  }

  #add(kid: string, n: number): void {
    this.#held.set(kid, (this.#held.get(kid) ?? 0) + n);
  }
}
