/**
 * A synchronous function's answer, or 'hung' past a deadline. jest's timeout cannot interrupt
 * synchronous code (a backtracking regex runs to its end, and the test passes), but a vm script's
 * timeout can: the watchdog terminates whatever runs on the isolate, the function called from the
 * script included. For checks that parsing hostile text stays linear: pick inputs on which the
 * super-linear version takes minutes and the linear one milliseconds, so the deadline is far from both.
 */
import vm from 'node:vm';

export function answerWithin<T>(fn: () => T, ms = 10_000): T | 'hung' {
  try {
    return vm.runInNewContext('fn()', { fn }, { timeout: ms }) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'hung';
    throw e;
  }
}
