/**
 * The Web Storage API (`localStorage`) on a Map: what a browser or an app runtime gives the
 * `appwrite` web SDK. In Node.js the SDK keeps its session only in
 * `window.localStorage.cookieFallback` and replays it as `X-Fallback-Cookies` (DESIGN.md "The web
 * SDK in Node.js"), so the demo's devices and the tests' browsers install one of these as
 * `globalThis.window.localStorage`.
 * @module
 */
export class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
}
