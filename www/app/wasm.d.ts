// Types of the loader (www/app/wasm.js): one memoized init of the wasm build, choosing between
// the two builds (www/pkg/, SIMD128, the default and the golden reference; www/pkg-relaxed/,
// relaxed SIMD, where the engine validates it). Every lab goes through `ready()`.

/** The facade's namespace (www/app/api.js, typed in api.d.ts). */
export type Api = typeof import('./api.js');

/** Which build `ready()` loaded. */
export interface LoadedBuild {
    kind: 'relaxed' | 'simd128';
    /** URL of the .wasm that was instantiated. */
    wasm: string;
    /** Why the relaxed build was dropped (its load error), or null when it was not tried or loaded. */
    fallback: string | null;
}

/** The smallest module using relaxed SIMD (one `f32x4.relaxed_madd`): what detection validates. */
export const RELAXED_PROBE: Uint8Array;

/**
 * Whether this engine runs relaxed SIMD: `validate(RELAXED_PROBE)`; false when WebAssembly is
 * missing or throws. `validate` may be passed (tests).
 */
export function relaxedSimdSupported(validate?: (bytes: BufferSource) => boolean): boolean;

/** The build `ready()` loaded: null before it resolved. */
export function loadedBuild(): LoadedBuild | null;

/**
 * Initialize the package `m` (the facade) with the relaxed .wasm when `relaxed` (default: the
 * engine has relaxed SIMD), falling back to the default .wasm if that fails.
 */
export function initBest(m: { default: (init?: { module_or_path?: URL | string }) => Promise<unknown> }, relaxed?: boolean): Promise<void>;

/**
 * The facade, once the module is initialized (memoized: the .wasm is fetched and compiled once).
 * Rejects with a coded Error: `code` 'wasm_missing' when pkg/ was never built, 'wasm_load' (with
 * `vars.detail`) when it is there but fails to load or instantiate; a later call tries again.
 */
export function ready(): Promise<Api>;
