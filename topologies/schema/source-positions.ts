// Maps a path into the parsed YAML document (`routers[1].wan[0]`) back to line and column, so
// every schema or semantic error can point at the key or value it is about.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './diagnostics.ts';

export interface Position {
  line: number;
  column: number;
}

export type Locate = (path: readonly PathSegment[], at?: 'key' | 'value') => Position;

interface Found {
  node: Node | null;
  keyNode: Node | null;
  /** false when the path runs past what the document holds (a missing key) */
  complete: boolean;
}

function walk(doc: Document, path: readonly PathSegment[]): Found {
  let node = doc.contents as Node | null;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) return { node, keyNode, complete: false };
      keyNode = pair.key as Node;
      // A key with no value (`model:`) has no value node: the key is the place to point at.
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      keyNode = null;
      node = node.items[seg] as Node;
    } else {
      return { node, keyNode, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

export function makeLocator(doc: Document, lineCounter: LineCounter): Locate {
  return (path, at = 'value') => {
    const found = walk(doc, path);
    const target = at === 'key' && found.complete && found.keyNode ? found.keyNode : found.node;
    const offset = target?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

/**
 * The file line on which a string value's text begins: the line after `|` / `>` for block scalars,
 * the value's own line otherwise. Used to map config-checker line numbers into the topology file.
 */
export function firstContentLine(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number {
  const found = walk(doc, path);
  const node = found.node;
  if (!node?.range) return 1;
  const line = lineCounter.linePos(node.range[0]).line;
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') ? line + 1 : line;
}
