/**
 * A regular expression's answer on hostile text, or 'hung' past a deadline. A backtracking regex
 * cannot be interrupted on the test's own thread (jest's timeout only fires after it returns), so
 * the match runs in a worker thread that is terminated at the deadline. For checks that a regex
 * stays linear: pick inputs on which the super-linear version takes minutes and the linear one
 * milliseconds, so the deadline is far from both.
 */
import { Worker } from 'node:worker_threads';

const MATCH = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage(new RegExp(workerData.source, workerData.flags).test(workerData.text));
`;

export function testWithin(re: RegExp, text: string, ms = 10_000): Promise<boolean | 'hung'> {
  return new Promise((resolve, reject) => {
    const w = new Worker(MATCH, { eval: true, workerData: { source: re.source, flags: re.flags.replace(/[gy]/g, ''), text } });
    const timer = setTimeout(() => {
      resolve('hung');
      void w.terminate();
    }, ms);
    w.once('message', (answer: boolean) => {
      clearTimeout(timer);
      resolve(answer);
      void w.terminate();
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
