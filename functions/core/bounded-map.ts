/**
 * A memo of the values computed again and again (a reader's dates, codes and short strings, the matcher's payer names)
 * that never holds more than `max` of them: when full, it starts again empty, so a hostile file cannot make it grow
 * without bound.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max) this.clear();
    return super.set(key, value);
  }
}
