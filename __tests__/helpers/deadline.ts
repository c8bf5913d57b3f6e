/**
 * A synchronous function's answer, or 'hung' past a deadline. jest's timeout cannot interrupt
 * synchronous code (a backtracking regex runs to its end, and the test passes), but a vm script's
 * timeout can: the watchdog terminates whatever runs on the isolate, the function called from the
 * script included. For checks that parsing hostile text stays linear: pick inputs on which the
 * super-linear version takes minutes and the linear one milliseconds, so the deadline is far from both.
 */
import vm from 'node:vm';

// 30 s: far below the minutes a super-linear version takes, and far above what a linear one takes on
// a machine loaded by other test workers (one run at 10 s failed under load).
export function answerWithin<T>(fn: () => T, ms = 30_000): T | 'hung' {
  try {
    return vm.runInNewContext('fn()', { fn }, { timeout: ms }) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'hung';
    throw e;
  }
}
