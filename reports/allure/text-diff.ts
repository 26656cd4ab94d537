// A small line diff (longest common subsequence) for "oracle prediction vs observed" attachments:
// unified-style lines, `-` predicted only, `+` observed only, with a few lines of context.

export function lineDiff(predicted: string, observed: string, context = 3): string {
  const a = predicted.split('\n');
  const b = observed.split('\n');
  // LCS lengths; the inputs are attachment-sized (a few hundred lines), so O(n*m) is fine.
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++] });
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', line: a[i++] });
    } else {
      ops.push({ op: '+', line: b[j++] });
    }
  }
  const near = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.op !== ' '));
  const out: string[] = ['--- oracle prediction', '+++ observed'];
  let skipped = false;
  ops.forEach((o, k) => {
    if (!near[k]) {
      if (!skipped) out.push('@@ …');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${o.op}${o.line}`);
  });
  return out.join('\n') + '\n';
}

/** Stable JSON for diffing: sorted keys, bigint and byte arrays readable. */
export function stableJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
      }
      return v;
    },
    2,
  );
}
