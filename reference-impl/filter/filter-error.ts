/** A filter definition line that cannot be read: names the line and the offending token. */
export class FilterSyntaxError extends Error {
  constructor(readonly line: string, detail: string) {
    super(`filter definition "${line}": ${detail}`);
    this.name = 'FilterSyntaxError';
  }
}
