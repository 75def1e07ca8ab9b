// Flesch reading ease for English UI copy (PRD: > 60, plain language). Syllables are counted with the usual
// vowel-group heuristic: close enough to rank copy, not a linguistics tool.

const WORD = /[a-z]+(?:'[a-z]+)?/gi;
const HAS_WORD = /[a-z]/i;

export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/'s$/, "");
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, "").replace(/^y/, "");
  const groups = trimmed.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 1);
}

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  score: number;
}

/** Flesch reading ease of texts, each one a sentence or more (a button label counts as one). */
export function fleschReadingEase(texts: readonly string[]): Readability {
  let words = 0;
  let sentences = 0;
  let syllableCount = 0;
  for (const text of texts) {
    const plain = text.replace(/\{\{[^}]+\}\}/g, "it");
    const found = plain.match(WORD) ?? [];
    if (found.length === 0) continue;
    words += found.length;
    syllableCount += found.reduce((sum, word) => sum + syllables(word), 0);
    sentences += Math.max(1, plain.split(/[.!?]+(?:\s|$)/).filter((part) => HAS_WORD.test(part)).length);
  }
  const score =
    words === 0 ? 100 : 206.835 - 1.015 * (words / Math.max(1, sentences)) - 84.6 * (syllableCount / words);
  return { words, sentences, syllables: syllableCount, score };
}

/** Every string leaf of a nested locale object, with its dotted key. */
export function flatten(tree: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree === "string") {
    out.set(prefix, tree);
  } else if (tree && typeof tree === "object") {
    for (const [key, value] of Object.entries(tree)) {
      for (const [path, text] of flatten(value, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
    }
  }
  return out;
}
