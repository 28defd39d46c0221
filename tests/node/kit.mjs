// Shared helpers of the Node unit tests: one seeded generator (the LCG of bench/lib.mjs), so
// every test's random cases repeat exactly and no test file grows its own.

/** A seeded generator of uniform numbers in [0, 1). */
export function lcg(seed = 1) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}
