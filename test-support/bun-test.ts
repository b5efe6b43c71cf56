// `bun:test` for Node and Deno. The tests import `bun:test`, which Bun
// provides natively; test-all.mjs bundles them for Node with this file as
// that specifier (an esbuild alias), and deno.json's import map points Deno
// here. It covers the part of Bun's API the tests use, over `node:test` and
// Jest's `expect` (which prints both values when an assertion fails).
// tsconfig.tests.json type-checks the tests against this file, so a test
// cannot use what the adapter lacks.
import * as nodeTest from 'node:test';
import { expect as jestExpect, type Expect } from 'expect';

/** A test body; Bun's `done` callback style is not supported. */
export type TestBody = () => unknown;
/** Bun's third argument: a timeout in milliseconds, or options holding one. */
export type TestOptions = number | { timeout?: number };

type Register = (name: string, fn: TestBody, options?: TestOptions) => void;
export interface Test extends Register {
  /** Registers a test that does not run; the runner counts it as skipped. */
  skip(name: string, fn?: TestBody, options?: TestOptions): void;
  /** `test.skipIf(condition)(name, fn)`: skipped when the condition holds. */
  skipIf(condition: unknown): Register;
  /** `test.if(condition)(name, fn)`: runs only when the condition holds. */
  if(condition: unknown): Register;
  todo(name: string, fn?: TestBody, options?: TestOptions): void;
}

const timeoutOf = (options?: TestOptions) => (typeof options === 'number' ? options : options?.timeout);

function register(extra: { skip?: boolean; todo?: boolean }): Register {
  return (name, fn = () => {}, options) => {
    const timeout = timeoutOf(options);
    // node:test passes a context to the body; Bun does not, so it is dropped.
    nodeTest.test(name, { ...extra, ...(timeout === undefined ? {} : { timeout }) }, async () => {
      await fn();
    });
  };
}

export const test: Test = Object.assign(register({}), {
  skip: register({ skip: true }),
  skipIf: (condition: unknown) => register(condition ? { skip: true } : {}),
  if: (condition: unknown) => register(condition ? {} : { skip: true }),
  todo: register({ todo: true }),
});
export const it = test;

/** Groups tests; as in Bun, the body registers them synchronously. */
export function describe(name: string, body: () => void): void {
  nodeTest.describe(name, () => {
    body();
  });
}

export const beforeAll = (fn: TestBody) => nodeTest.before(async () => void (await fn()));
export const afterAll = (fn: TestBody) => nodeTest.after(async () => void (await fn()));
export const beforeEach = (fn: TestBody) => nodeTest.beforeEach(async () => void (await fn()));
export const afterEach = (fn: TestBody) => nodeTest.afterEach(async () => void (await fn()));

/** Bun's `expect(value, message?)`: Jest's matchers; a failure starts with the message when one is given. */
export type BunExpect = (<T = unknown>(actual: T, message?: string) => ReturnType<typeof jestExpect<T>>) & Omit<Expect, never>;

function withMessage<T extends object>(target: T, message: string): T {
  const prefix = (e: unknown) => {
    if (e instanceof Error) e.message = `${message}\n\n${e.message}`;
    return e;
  };
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          try {
            const r = value.apply(t, args);
            return r instanceof Promise ? r.catch((e) => Promise.reject(prefix(e))) : r;
          } catch (e) {
            throw prefix(e);
          }
        };
      }
      // `.not`, `.resolves`, `.rejects`: the same matchers, reworded on failure too.
      return value !== null && typeof value === 'object' ? withMessage(value, message) : value;
    },
  });
}

export const expect: BunExpect = Object.assign(
  <T>(actual: T, message?: string) => (message === undefined ? jestExpect(actual) : withMessage(jestExpect(actual), message)),
  jestExpect,
);
