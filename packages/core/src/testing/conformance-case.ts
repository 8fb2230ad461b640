/** One named check of a conformance suite; register it with your runner's `test`. */
export interface ConformanceCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}
