// How many problems a file has, as the pages and the command line say it: past MAX_PROBLEMS
// checking stops, so the count is "at least".

const figure = (n: number) => n.toLocaleString('en-GB');

/** "The file has 3 problems", or "The file has at least 1,000 problems: checking stopped at row 1,012". */
export function problemCountText(n: number, stoppedAt?: number): string {
  return stoppedAt
    ? `The file has at least ${figure(n)} problems: checking stopped at row ${figure(stoppedAt)}`
    : `The file has ${figure(n)} problem${n === 1 ? '' : 's'}`;
}
